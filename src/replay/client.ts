import type { Dispatcher } from 'undici';
import { SessionjarError } from '../core/errors.js';
import type { Session } from '../session/schema/index.js';
import { loggedOutReason } from '../session/logged-out.js';
import { defaultStore } from '../store/default-store.js';
import type { SessionStore } from '../store/types.js';
import { createDispatcher } from './dispatcher.js';
import { fromFetchInput, toFetchResponse } from './fetch-adapter.js';
import { HeaderPolicy, isCredentialHeader, lowerKeys, type HeaderMap } from './headers.js';
import { SessionCookieJar, type CookieAccess } from './jar.js';
import { resolveOptions, type ClientOptions, type ReplayEvent, type ResolvedOptions } from './options.js';
import { RedirectGuard, redirectMethod, redirectTarget, withoutContentHeaders } from './redirects.js';
import { backoffMs, isIdempotent, isRetryableError, sleep, statusRetryDelay } from './retry.js';
import { totalTimeoutError } from './transport-errors.js';
import { WriteBack } from './write-back.js';

/** Options of one {@link SessionClient.request}. */
export interface ReplayRequestOptions {
  /** Default GET. */
  method?: string;
  /** Over the session's headers for this request; credential headers are not sent across origins. */
  headers?: Record<string, string>;
  body?: string | Uint8Array | Buffer | null;
  signal?: AbortSignal;
  /** As fetch: follow (default), manual (return the 3xx), error (throw on a redirect). */
  redirect?: 'follow' | 'manual' | 'error';
}

/** The answer of {@link SessionClient.request}: undici's response, decompressed, after redirects. */
export interface ReplayResponse {
  status: number;
  statusText?: string;
  /** The final URL, after redirects. */
  url: string;
  /** Lower-case names; `set-cookie` is an array when there are several. */
  headers: Record<string, string | string[]>;
  /** Already decompressed; `.text()`, `.json()`, `.arrayBuffer()`, or stream it. Read or dump it. */
  body: Dispatcher.ResponseData['body'];
  /** Each redirect followed, in order: the URL that answered and its status. */
  redirects: { url: string; status: number }[];
}

type Body = string | Uint8Array | null;

/**
 * A recorded login replayed over plain HTTP: cookies kept in a jar and written back to the session
 * file, the session's headers scoped to their origins, redirects followed hop by hop, idempotent
 * requests retried, one keep-alive pool per origin.
 *
 * @example
 * ```ts
 * await using session = await openSession('github');
 * const res = await session.fetch('https://github.com/settings/profile');
 * console.log(res.status, await res.text());
 * ```
 */
export class SessionClient implements AsyncDisposable {
  /** Read and set the session's cookies. */
  readonly cookies: CookieAccess;
  private state: Session;
  private readonly jar: SessionCookieJar;
  private readonly policy: HeaderPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly resolved: ResolvedOptions;
  private readonly writer: WriteBack | undefined;
  private readonly emit: ((event: ReplayEvent) => void) | undefined;
  private refreshing: Promise<void> | undefined;
  private closed = false;

  /** Use {@link openSession} or {@link openSessionFrom}. */
  constructor(
    session: Session,
    private readonly options: ClientOptions,
    store: SessionStore | undefined,
    ref: string | undefined,
  ) {
    this.state = session;
    this.resolved = resolveOptions(options);
    this.jar = new SessionCookieJar(session.cookies);
    this.cookies = this.jar;
    this.policy = new HeaderPolicy(session, this.jar, lowerKeys(options.headers));
    this.dispatcher = createDispatcher(options, this.resolved.timeouts);
    this.emit = options.onEvent;
    this.writer =
      store && ref !== undefined && !options.readOnly
        ? new WriteBack(store, ref, this.jar, (cookies) => this.emit?.({ type: 'write-back', cookies }))
        : undefined;
  }

  /** The session as it stands now: the loaded file with the jar's current cookies. */
  get session(): Session {
    return { ...this.state, cookies: this.jar.list() };
  }

  /**
   * undici's `request()` with the session applied: the fastest path. Read or dump the body.
   *
   * @example
   * ```ts
   * const res = await session.request('https://api.example.com/me', { headers: { accept: 'application/json' } });
   * const me = await res.body.json();
   * ```
   */
  async request(input: string | URL, options: ReplayRequestOptions = {}): Promise<ReplayResponse> {
    if (this.closed) throw new SessionjarError('USAGE', 'This session was closed; open it again with openSession().');
    const url = parseUrl(input);
    const method = (options.method ?? 'GET').toUpperCase();
    if (this.options.refresher?.isStale?.(this.state)) await this.refresh('stale', url.href, this.state);

    const controller = new AbortController();
    const total = this.resolved.timeouts.total;
    const timer = setTimeout(() => controller.abort(totalTimeoutError(method, url.href, total)), total);
    timer.unref();
    const outer = options.signal;
    const onAbort = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    else outer?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    };
    try {
      const sentWith = this.state;
      let response = await this.follow(url, method, options, controller.signal);
      if (this.shouldRefresh(response, method)) {
        await response.body.dump();
        this.emit?.({ type: 'refresh', url: response.url, reason: 'logged-out' });
        // Another request may have refreshed while this one was in flight: then just send it again.
        if (this.state === sentWith) await this.refresh('logged-out', response.url, sentWith);
        response = await this.follow(url, method, options, controller.signal);
        const again = this.loggedOut(response);
        if (again !== undefined) {
          await response.body.dump();
          throw new SessionjarError(
            'SESSION_EXPIRED',
            `re-login did not restore access: ${method} ${response.url} answered as logged out again (${again}) right after a refresh. Check the session's login block (login.loggedOut, login.probe), or record it again.`,
            { details: { url: response.url, status: response.status } },
          );
        }
      }
      // The total timeout covers reading the body too.
      response.body.once('close', done);
      return response;
    } catch (error) {
      done();
      throw error;
    }
  }

  /**
   * WHATWG fetch with the session applied; takes what global fetch takes and returns a real
   * `Response` (with the final `url` and `redirected`). Request bodies are read into memory first,
   * so redirects and retries can resend them.
   *
   * @example
   * ```ts
   * const res = await session.fetch('https://example.com/api/items', { method: 'POST', body: JSON.stringify(item) });
   * ```
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const { url, options } = await fromFetchInput(input, init);
    const response = await this.request(url, options);
    return toFetchResponse(response, options.method ?? 'GET');
  }

  /**
   * Forgets cookies and tokens in memory: a blank session, as httpx's reset. The file changes only
   * when cookie changes are written back (not with `readOnly`).
   *
   * @example
   * ```ts
   * session.clear();
   * ```
   */
  clear(): void {
    this.jar.clear();
    this.state = { ...this.state, cookies: [], origins: [], headers: { ...this.state.headers, origins: {} } };
    this.policy.reload(this.state);
  }

  /** Writes pending cookie changes to the store now. */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  /**
   * Flushes cookie updates, then closes every connection. Idempotent.
   *
   * @example
   * ```ts
   * await session.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.dispatcher.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Follows redirects hop by hop, storing every hop's Set-Cookie and recomputing headers per hop. */
  private async follow(start: URL, startMethod: string, options: ReplayRequestOptions, signal: AbortSignal): Promise<ReplayResponse> {
    let url = start;
    let method = startMethod;
    let body: Body = options.body ?? null;
    let callerHeaders = options.headers ? lowerKeys(options.headers) : undefined;
    let crossed = false;
    let downgraded = false;
    let guard: RedirectGuard | undefined;
    const redirects: { url: string; status: number }[] = [];
    for (;;) {
      const headers = this.headersFor(url, crossed, downgraded, callerHeaders);
      const res = await this.send(url, method, headers, body, signal);
      const status = res.statusCode;
      this.jar.storeSetCookies(res.headers['set-cookie'], url.href);
      if (this.writer && this.jar.hasChanges) this.writer.schedule();
      this.emit?.({ type: 'response', status, url: url.href, headers: res.headers as Record<string, string | string[]> });
      const target = options.redirect === 'manual' ? undefined : redirectTarget(status, res.headers.location, url);
      if (!target) {
        return {
          status,
          statusText: res.statusText,
          url: url.href,
          headers: res.headers as Record<string, string | string[]>,
          body: res.body,
          redirects,
        };
      }
      await res.body.dump();
      if (options.redirect === 'error') {
        throw new SessionjarError('REDIRECT_ERROR', `${method} ${url.href} redirected (${status}) and redirect: 'error' was asked.`);
      }
      redirects.push({ url: url.href, status });
      const next = redirectMethod(status, method);
      guard ??= new RedirectGuard(this.resolved.maxRedirects, startMethod, start);
      guard.next(next.method, target, url);
      if (!next.keepBody) {
        body = null;
        if (callerHeaders) callerHeaders = withoutContentHeaders(callerHeaders);
      }
      if (url.protocol === 'https:' && target.protocol === 'http:') downgraded = true;
      if (target.origin !== start.origin) crossed = true;
      url = target;
      method = next.method;
    }
  }

  private headersFor(url: URL, crossed: boolean, downgraded: boolean, callerHeaders: HeaderMap | undefined): HeaderMap {
    const safe = crossed || downgraded;
    const base = safe ? this.policy.forRedirect(url.origin, downgraded) : this.policy.forOrigin(url.origin);
    let headers: HeaderMap;
    if (callerHeaders === undefined) headers = { ...base };
    else if (!safe) headers = { ...base, ...callerHeaders };
    else {
      headers = { ...base };
      for (const name of Object.keys(callerHeaders)) if (!isCredentialHeader(name)) headers[name] = callerHeaders[name] as string;
    }
    const jarCookies = this.jar.cookieHeader(url, !downgraded);
    const own = headers.cookie;
    if (jarCookies !== '') headers.cookie = own ? `${own}; ${jarCookies}` : jarCookies;
    return headers;
  }

  /** One hop, retried when that is safe: an idempotent method after a broken connection or a 429/502/503/504. */
  private async send(url: URL, method: string, headers: HeaderMap, body: Body, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const { limit, maxRetryAfterMs } = this.resolved.retry;
    const retryable = limit > 0 && isIdempotent(method);
    for (let attempt = 0; ; attempt++) {
      this.emit?.({ type: 'request', method, url: url.href, headers });
      let res: Dispatcher.ResponseData;
      try {
        res = await this.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: method as Dispatcher.HttpMethod, headers, body, signal });
      } catch (error) {
        if (!retryable || attempt >= limit || signal.aborted || !isRetryableError(error)) throw error;
        await this.wait(backoffMs(attempt), method, url, attempt, (error as Error).message, signal);
        continue;
      }
      if (retryable && attempt < limit) {
        const delay = statusRetryDelay(res.statusCode, res.headers['retry-after'], attempt, maxRetryAfterMs);
        if (delay !== undefined) {
          await res.body.dump();
          await this.wait(delay, method, url, attempt, `status ${res.statusCode}`, signal);
          continue;
        }
      }
      return res;
    }
  }

  private async wait(delayMs: number, method: string, url: URL, attempt: number, reason: string, signal: AbortSignal): Promise<void> {
    this.emit?.({ type: 'retry', method, url: url.href, attempt: attempt + 1, delayMs, reason });
    await sleep(delayMs, signal);
  }

  /** A logged-out answer, a refresher to ask, and a request that is safe to send again. */
  private shouldRefresh(response: ReplayResponse, method: string): boolean {
    if (!this.options.refresher || this.options.autoRefresh === false) return false;
    const safe = isIdempotent(method) || (response.status >= 400 && response.status < 500);
    return safe && this.loggedOut(response) !== undefined;
  }

  /** Why this answer means logged out, by the session's login block (see session/logged-out.ts). */
  private loggedOut(response: ReplayResponse): string | undefined {
    const location = response.headers.location;
    return loggedOutReason(
      {
        status: response.status,
        url: response.url,
        redirected: response.redirects.length > 0,
        ...(typeof location === 'string' ? { location } : {}),
      },
      this.state.login,
    );
  }

  /** One refresh at a time per client; concurrent callers wait for the same one. */
  private async refresh(kind: 'stale' | 'logged-out', url: string, session: Session): Promise<void> {
    const refresher = this.options.refresher;
    if (!refresher) return;
    this.refreshing ??= refresher
      .refresh({ kind, url, session })
      .then((fresh) => {
        this.state = fresh;
        this.jar.load(fresh.cookies);
        this.policy.reload(fresh);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    await this.refreshing;
  }
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SessionjarError('USAGE', `"${String(input)}" is not an absolute URL; give one like https://example.com/path.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SessionjarError('USAGE', `${url.href}: only http: and https: URLs can be requested.`);
  }
  return url;
}

/**
 * Opens a recorded session by name (`github`) or path (`./github.json`) from the store (default:
 * `$SESSIONJAR_DIR`, else `./recordings`). Cookie updates are written back to it unless `readOnly`.
 *
 * @example
 * ```ts
 * import { openSession } from 'sessionjar';
 * await using session = await openSession('github', { timeouts: { total: 10_000 } });
 * const res = await session.request('https://api.github.com/user');
 * console.log(res.status, await res.body.json());
 * ```
 */
export async function openSession(nameOrPath: string, options: ClientOptions = {}): Promise<SessionClient> {
  const store = options.store ?? defaultStore(options.env ?? process.env);
  const session = await store.load(nameOrPath);
  return new SessionClient(session, options, store, nameOrPath);
}

/**
 * A client on a session document you already hold (parsed, freshly recorded, built by hand).
 * Cookie updates are written back under `session.name` only when `options.store` is given.
 *
 * @example
 * ```ts
 * const session = await openSessionFrom(parseSession(text, { file: 'inline' }), { readOnly: true });
 * ```
 */
export async function openSessionFrom(session: Session, options: ClientOptions = {}): Promise<SessionClient> {
  return new SessionClient(session, options, options.store, options.store ? session.name : undefined);
}
