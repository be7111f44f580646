import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import './linear-regexp.js';
import { SessionjarError } from '../core/errors.js';
import type { Session } from '../session/schema/index.js';
import { loggedOutReason, needsBody, type ObservedResponse } from '../session/logged-out.js';
import { defaultStore } from '../store/default-store.js';
import type { SessionStore } from '../store/types.js';
import { BodyDeadlines } from './body-deadlines.js';
import { Budget } from './budget.js';
import { decodeBody } from './decompress.js';
import { createDispatcher } from './dispatcher.js';
import { fromFetchInput } from './fetch-adapter.js';
import { toFetchResponse } from './fetch-response.js';
import { HeaderPolicy, isCredentialHeader, lowerKeys, type HeaderMap } from './headers.js';
import { SessionCookieJar, type CookieAccess } from './jar.js';
import { resolveOptions, type ClientOptions, type ReplayEvent, type ResolvedOptions } from './options.js';
import { fetchPageToken } from './page-token.js';
import { isPeekable, peekBody } from './peek.js';
import { RedirectGuard, redirectMethod, redirectTarget, withoutContentHeaders } from './redirects.js';
import { backoffMs, isIdempotent, isRetryableError, statusRetryDelay } from './retry.js';
import { causeCode, toSessionjarError } from './transport-errors.js';
import { WriteBack } from './write-back.js';

/** Options of one {@link SessionClient.request}. */
export interface ReplayRequestOptions {
  /** Default GET. */
  method?: string;
  /**
   * Over the session's headers for this request; credential headers are not sent across origins.
   * `null` leaves a header out, the session's own included (`cookie: null` sends no cookies).
   */
  headers?: Record<string, string | null>;
  /**
   * A stream (or async iterable) is sent as it comes, never held whole, and so only once: it is not
   * retried, not resent after a refresh, and a 307/308 asking to resend it is returned as is.
   */
  body?: string | Uint8Array | Buffer | Readable | AsyncIterable<Uint8Array> | null;
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

type Body = NonNullable<ReplayRequestOptions['body']> | null;
/** A request's own headers, lower-cased; null leaves the header out. */
type CallerHeaders = Record<string, string | null>;

/**
 * A recorded login replayed over plain HTTP: cookies kept in a jar and written back to the session
 * file, the session's headers scoped to their origins, redirects followed hop by hop, idempotent
 * requests retried, one keep-alive pool per origin.
 *
 * @example
 * ```ts
 * const session = await openSession('github');
 * try {
 *   const res = await session.fetch('https://github.com/settings/profile');
 *   console.log(res.status, await res.text());
 * } finally {
 *   await session.close(); // or `await using session = ...` in TypeScript ≥ 5.2
 * }
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
  private snapshot: { state: Session; version: number; session: Session } | undefined;
  /** The snapshot staleness was last judged on, when, and the verdict (see {@link isStale}). */
  private staleView: { state: Session; at: number; session: Session; stale: boolean } | undefined;
  private readonly built = new Map<string, BuiltHeaders>();
  private readonly urls = new Map<string, Hop>();
  private readonly deadlines = new BodyDeadlines();
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

  /**
   * The session as it stands now: the loaded file with the jar's current cookies. The same object
   * until something changes, so a refresher's staleness check can cache by it.
   */
  get session(): Session {
    const snap = this.snapshot;
    if (snap && snap.state === this.state && snap.version === this.jar.version) return snap.session;
    const session = { ...this.state, cookies: this.jar.list() };
    this.snapshot = { state: this.state, version: this.jar.version, session };
    return session;
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
    const hop = this.parse(input);
    const url = hop.url;
    const method = options.method === undefined ? 'GET' : options.method.toUpperCase();
    // A request whose credentials the caller removed or replaced is not the session's: its answer
    // says nothing about the login, so it never triggers a re-login (which would rewrite the file).
    const own = options.headers === undefined || !replacesCredentials(options.headers);
    if (own && this.isStale()) await this.refresh('stale', url.href, this.state);

    let budget = new Budget(method, url, this.resolved.timeouts.total, options.signal);
    const sentWith = this.state;
    let response = await this.follow(hop, method, options, budget);
    const refreshable = own && isResendable(options.body) && this.refreshable(response, method);
    const text = refreshable && this.checksBody(response, method) ? await this.peek(response, budget) : undefined;
    if (refreshable && this.loggedOut(response, text) !== undefined) {
      await response.body.dump();
      this.emit?.({ type: 'refresh', url: response.url, reason: 'logged-out' });
      // Another request may have refreshed while this one was in flight: then just send it again.
      if (this.state === sentWith) await this.refresh('logged-out', response.url, sentWith);
      // A re-login has its own timeout; the retried request gets the whole budget again, so a slow
      // browser login does not starve the request it was for.
      budget = new Budget(method, url, this.resolved.timeouts.total, options.signal);
      response = await this.follow(hop, method, options, budget);
      // Once only: a second logged-out answer is an error, never another refresh.
      const again = this.loggedOut(response, this.checksBody(response, method) ? await this.peek(response, budget) : undefined);
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
    this.deadlines.watch(response.body, budget);
    return response;
  }

  /**
   * The headers a request to `url` would carry now: the session's headers for its origin and the
   * Cookie header from the jar. For traffic the client does not send itself (a WebSocket upgrade
   * a gateway forwards); store what such a server answers with `cookies.set()`.
   *
   * @example
   * ```ts
   * const headers = session.sessionHeaders('https://app.example/socket');
   * ```
   */
  sessionHeaders(url: string | URL): Record<string, string> {
    return { ...this.plainHeaders(this.parse(url)) };
  }

  /**
   * WHATWG fetch with the session applied; takes what global fetch takes and returns a real
   * `Response` (with the final `url` and `redirected`). Request bodies are read into memory first,
   * so redirects and retries can resend them. `text()`, `json()`, `arrayBuffer()` and `bytes()` read
   * undici's body directly; the web stream is made only for `body`, `blob()`, `formData()`, `clone()`.
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
   * A CSRF token a server puts only in a page's HTML: GETs `url` with the session and returns the
   * value of its `<input name="{name}">` or `<meta name="{name}">` (`TOKEN_NOT_FOUND` when there is
   * none, `HTTP_ERROR` when the page does not answer 2xx).
   *
   * @example
   * ```ts
   * const sectok = await session.pageToken('https://wiki.example/doku.php?id=start&do=edit', 'sectok');
   * const form = new URLSearchParams({ id: 'start', sectok, wikitext: 'Hello', 'do[save]': '1' });
   * await session.fetch('https://wiki.example/doku.php', { method: 'POST', body: form });
   * ```
   */
  async pageToken(url: string | URL, name: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    return fetchPageToken(this, url, name, options);
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
  private async follow(start: Hop, startMethod: string, options: ReplayRequestOptions, budget: Budget): Promise<ReplayResponse> {
    let hop = start;
    let url = start.url;
    let method = startMethod;
    let body: Body = options.body ?? null;
    let callerHeaders = options.headers ? lowerKeys<string | null>(options.headers) : undefined;
    let crossed = false;
    let downgraded = false;
    let guard: RedirectGuard | undefined;
    let from = url;
    const redirects: { url: string; status: number }[] = [];
    for (;;) {
      const { href } = hop;
      const headers = this.headersFor(hop, crossed, downgraded, callerHeaders);
      // A loop is the same request with the same cookies again; one that set new cookies on the way
      // (an OIDC login: /profile → IdP → /callback → /profile) is progress, bounded by maxRedirects.
      guard?.visit(method, url, headers.cookie, from);
      const res = await this.send(hop, method, headers, body, budget);
      const status = res.statusCode;
      const setCookie = res.headers['set-cookie'];
      if (setCookie !== undefined) this.storeCookies(setCookie, hop, callerHeaders?.cookie === null);
      if (this.writer && this.jar.hasChanges) this.writer.schedule();
      this.emit?.({ type: 'response', status, url: href, headers: res.headers as Record<string, string | string[]> });
      let target = options.redirect === 'manual' ? undefined : redirectTarget(status, res.headers.location, url);
      const next = target && redirectMethod(status, method);
      // A streamed body is gone once sent: the redirect that asks for it again goes to the caller.
      if (next?.keepBody && !isResendable(body)) target = undefined;
      if (!target || !next) {
        mapBodyErrors(res.body, method, href, this.resolved.timeouts);
        return {
          status,
          statusText: res.statusText,
          url: href,
          headers: res.headers as Record<string, string | string[]>,
          body: decodeBody(res.body, res.headers['content-encoding'], status, method),
          redirects,
        };
      }
      await res.body.dump();
      if (options.redirect === 'error') {
        throw new SessionjarError('REDIRECT_ERROR', `${method} ${href} redirected (${status}) and redirect: 'error' was asked.`);
      }
      redirects.push({ url: href, status });
      guard ??= new RedirectGuard(this.resolved.maxRedirects, method, url, headers.cookie);
      guard.hop(target, url);
      from = url;
      if (!next.keepBody) {
        body = null;
        if (callerHeaders) callerHeaders = withoutContentHeaders(callerHeaders);
      }
      if (url.protocol === 'https:' && target.protocol === 'http:') downgraded = true;
      hop = hopOf(target);
      if (hop.origin !== start.origin) crossed = true;
      url = target;
      method = next.method;
    }
  }

  /**
   * Stores a hop's Set-Cookie, reporting refused cookies to `-v`. A request sent without the
   * session's cookies (`cookie: null`) is an anonymous visit: what it is given stays out of the session.
   */
  private storeCookies(setCookie: string | string[], { url, href, key }: Hop, anonymous: boolean): void {
    const emit = this.emit;
    const refused = emit && ((name: string, reason: string) => emit({ type: 'cookie-refused', url: href, name, reason }));
    if (!anonymous) return this.jar.storeSetCookies(setCookie, url, refused, key);
    for (const value of typeof setCookie === 'string' ? [setCookie] : setCookie) {
      refused?.(value.slice(0, Math.max(0, value.indexOf('='))), "the request was sent without the session's cookies (cookie: null)");
    }
  }

  private headersFor(hop: Hop, crossed: boolean, downgraded: boolean, callerHeaders: CallerHeaders | undefined): HeaderMap {
    const { url, origin } = hop;
    const safe = crossed || downgraded;
    if (!safe && callerHeaders === undefined) return this.plainHeaders(hop);
    const base = safe ? this.policy.forRedirect(origin, downgraded) : this.policy.forOrigin(origin);
    const headers: HeaderMap = { ...base };
    if (callerHeaders !== undefined) {
      for (const name of Object.keys(callerHeaders)) {
        const value = callerHeaders[name];
        if (value === null) delete headers[name];
        else if (!safe || !isCredentialHeader(name)) headers[name] = value as string;
      }
      if (callerHeaders.cookie === null) return headers;
    }
    const jarCookies = this.jar.cookieHeader(url, !downgraded);
    const own = headers.cookie;
    if (jarCookies !== '') headers.cookie = own ? `${own}; ${jarCookies}` : jarCookies;
    return headers;
  }

  /**
   * The common case (no per-request headers, the origin asked for): the same headers object while
   * no cookie changed (nor the session state the origin's headers come from), and while the
   * origin's headers and the Cookie header come out the same strings after a change, so an
   * unchanged session costs a lookup per request, not an object build.
   */
  private plainHeaders({ url, origin, key }: Hop): HeaderMap {
    this.jar.expireDue();
    const cached = this.built.get(key);
    const version = this.jar.version;
    if (cached && cached.version === version && cached.state === this.state) return cached.headers;
    const base = this.policy.forOrigin(origin);
    const cookie = this.jar.cookieHeader(url, true, key);
    if (cached && cached.base === base && cached.cookie === cookie) {
      cached.version = version;
      cached.state = this.state;
      return cached.headers;
    }
    const headers = cookie === '' ? base : { ...base, cookie: base.cookie ? `${base.cookie}; ${cookie}` : cookie };
    if (this.built.size >= MAX_CACHED) this.built.clear();
    this.built.set(key, { base, cookie, headers, version, state: this.state });
    return headers;
  }

  /** One hop, retried when that is safe: an idempotent method after a broken connection or a 429/502/503/504. */
  private async send(
    { url, origin, path, href }: Hop,
    method: string,
    headers: HeaderMap,
    body: Body,
    budget: Budget,
  ): Promise<Dispatcher.ResponseData> {
    const { limit, maxRetryAfterMs } = this.resolved.retry;
    const retryable = limit > 0 && isIdempotent(method) && isResendable(body);
    for (let attempt = 0; ; attempt++) {
      this.emit?.({ type: 'request', method, url: href, headers });
      const headersTimeout = budget.cap(this.resolved.timeouts.headers);
      let res: Dispatcher.ResponseData;
      try {
        // undici sends async iterables too; its types name only Readable.
        const request: Dispatcher.RequestOptions = { origin, path, method: method as Dispatcher.HttpMethod, headers, body: body as Dispatcher.RequestOptions['body'], headersTimeout };
        if (budget.signal) request.signal = budget.signal;
        res = await this.dispatcher.request(request);
      } catch (error) {
        // A headers timeout cut short by the total budget is the total timeout.
        if (headersTimeout < this.resolved.timeouts.headers && causeCode(error) === 'UND_ERR_HEADERS_TIMEOUT') throw budget.expired();
        if (!retryable || attempt >= limit || budget.signal?.aborted || !isRetryableError(error)) {
          throw toSessionjarError(error, method, url.href, this.resolved.timeouts);
        }
        await this.wait(backoffMs(attempt), method, url, attempt, (error as Error).message, budget);
        continue;
      }
      if (retryable && attempt < limit) {
        const delay = statusRetryDelay(res.statusCode, res.headers['retry-after'], attempt, maxRetryAfterMs);
        if (delay !== undefined) {
          await res.body.dump();
          await this.wait(delay, method, url, attempt, `status ${res.statusCode}`, budget);
          continue;
        }
      }
      return res;
    }
  }

  private async wait(delayMs: number, method: string, url: URL, attempt: number, reason: string, budget: Budget): Promise<void> {
    this.emit?.({ type: 'retry', method, url: url.href, attempt: attempt + 1, delayMs, reason });
    await budget.sleep(delayMs);
  }

  /** Parsed once per distinct URL string: scripts call the same few URLs over and over. */
  private parse(input: string | URL): Hop {
    if (typeof input !== 'string') return hopOf(parseUrl(input));
    let hop = this.urls.get(input);
    if (hop === undefined) {
      hop = hopOf(parseUrl(input));
      if (this.urls.size >= MAX_CACHED) this.urls.clear();
      this.urls.set(input, hop);
    }
    return hop;
  }

  /**
   * Whether the refresher wants a refresh before this request. A server that rotates a cookie on
   * every response would otherwise make every request build a new snapshot and recompute its expiry,
   * which costs more than the rest of the cookie path: the refresher judges a snapshot, and a fresh
   * verdict holds, for up to STALE_RECHECK_MS (staleness is judged a margin of seconds ahead, and a
   * login the server ended shows as a logged-out answer anyway). A new state (refresh, clear()) is
   * judged at once; a stale verdict is asked again on every request (a refresher that gave up on a
   * refresh answers otherwise) and checked on the live cookies, so a renewed cookie never causes a
   * re-login.
   */
  private isStale(): boolean {
    const refresher = this.options.refresher;
    if (!refresher?.isStale) return false;
    const now = Date.now();
    let view = this.staleView;
    if (!view || view.state !== this.state || now - view.at >= STALE_RECHECK_MS) {
      const session = this.session;
      view = { state: this.state, at: now, session, stale: refresher.isStale(session) };
      this.staleView = view;
    } else if (view.stale) {
      view.stale = refresher.isStale(view.session);
    }
    if (!view.stale) return false;
    const live = this.session;
    return live === view.session || refresher.isStale(live);
  }

  /** A refresher to ask, and a request that is safe to send again after a logged-out answer. */
  private refreshable(response: ReplayResponse, method: string): boolean {
    if (!this.options.refresher || this.options.autoRefresh === false) return false;
    return isIdempotent(method) || (response.status >= 400 && response.status < 500);
  }

  /** The login block looks at bodies (`loggedOut.bodyRegex`, `jsonPath`) and this one is small text. */
  private checksBody(response: ReplayResponse, method: string): boolean {
    return needsBody(this.state.login) && isPeekable(response.headers, response.status, method);
  }

  /** Reads the body for the logged-out check and puts back one that still yields every byte. */
  private async peek(response: ReplayResponse, budget: Budget): Promise<string | undefined> {
    this.deadlines.watch(response.body, budget);
    const { text, body } = await peekBody(response.body);
    response.body = body;
    return text;
  }

  /** Why this answer means logged out, by the session's login block (see session/logged-out.ts). */
  private loggedOut(response: ReplayResponse, body: string | undefined): string | undefined {
    const location = response.headers.location;
    const observed: ObservedResponse = { status: response.status, url: response.url, redirected: response.redirects.length > 0 };
    if (typeof location === 'string') observed.location = location;
    if (body !== undefined) observed.body = body;
    return loggedOutReason(observed, this.state.login);
  }

  /** One refresh at a time per client; concurrent callers wait for the same one. */
  private async refresh(kind: 'stale' | 'logged-out', url: string, session: Session): Promise<void> {
    const refresher = this.options.refresher;
    if (!refresher) return;
    this.refreshing ??= refresher
      .refresh({ kind, url, session })
      .then((fresh) => {
        // The session it was given back (a refresh ahead of the expiry that failed): the jar's
        // cookies are newer than that session's, and reloading would undo what servers set since.
        if (fresh === session) return;
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

/**
 * Errors met while the caller reads the body (a body timeout, a reset) become SessionjarErrors too.
 * undici ends a body through `destroy(error)`; wrapping that one method costs far less than an
 * interceptor around every callback.
 */
function mapBodyErrors(body: Dispatcher.ResponseData['body'], method: string, url: string, timeouts: ResolvedOptions['timeouts']): void {
  const destroy = body.destroy;
  body.destroy = function (this: typeof body, error?: Error) {
    return destroy.call(this, error === undefined ? error : (toSessionjarError(error, method, url, timeouts) as Error));
  };
}

/** Bytes can be sent again; a stream cannot. */
function isResendable(body: Body | undefined): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
}

/**
 * Whether a request's own headers take the session's credentials out of it: `cookie: null` (no
 * session cookies), or an Authorization, API key or other credential header removed or replaced.
 * A Cookie value is not: the session's cookies are still sent after it.
 */
function replacesCredentials(headers: Record<string, string | null>): boolean {
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'cookie' ? headers[name] === null : isCredentialHeader(lower)) return true;
  }
  return false;
}

/** How stale the snapshot the refresher judges may get while cookies keep changing. */
const STALE_RECHECK_MS = 1000;

/** Bounds the per-client caches of parsed URLs and built headers. */
const MAX_CACHED = 500;

/** Headers built for a URL, with what they were built from and when they were last checked. */
interface BuiltHeaders {
  base: HeaderMap;
  cookie: string;
  headers: HeaderMap;
  /** The jar version and session state the headers were last found current at. */
  version: number;
  state: Session;
}

/**
 * A URL with the strings a hop needs, read once: URL getters build a new string on every call, and
 * the same few URLs are requested over and over (the parsed ones are cached).
 */
interface Hop {
  url: URL;
  origin: string;
  href: string;
  /** Path and query, as the request line sends them. */
  path: string;
  /** Origin and path: what the Cookie header and the headers built from it depend on. */
  key: string;
}

function hopOf(url: URL): Hop {
  const origin = url.origin;
  const pathname = url.pathname;
  return { url, origin, href: url.href, path: pathname + url.search, key: origin + pathname };
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
 * const session = await openSession('github', { timeouts: { total: 10_000 } });
 * try {
 *   const res = await session.request('https://api.github.com/user');
 *   console.log(res.status, await res.body.json());
 * } finally {
 *   await session.close();
 * }
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
