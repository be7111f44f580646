import './linear-regexp.js';
import { SessionjarError } from '../core/errors.js';
import type { Session } from '../session/schema/index.js';
import { trackSessionSecrets } from '../session/secrets.js';
import { defaultStore } from '../store/default-store.js';
import type { SessionStore } from '../store/types.js';
import { fromFetchInput } from './fetch-adapter.js';
import { toFetchResponse } from './fetch-response.js';
import { HopCache } from './hop.js';
import type { CookieAccess } from './jar.js';
import { LiveSession } from './live-session.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { fetchPageToken } from './page-token.js';
import { composePipeline } from './pipeline/compose.js';
import type { RefreshGate } from './pipeline/refresh-gate.js';
import type { RequestHeaders } from './pipeline/request-headers.js';
import type { Transport } from './pipeline/transport.js';
import type { ReplayRequestOptions, ReplayResponse } from './types.js';
import { WriteBack } from './write-back.js';

export type { ReplayRequestOptions, ReplayResponse } from './types.js';

/**
 * A recorded login replayed over plain HTTP: cookies kept in a jar and written back to the session
 * file, the session's headers scoped to their origins, redirects followed hop by hop, idempotent
 * requests retried, one keep-alive pool per origin. A request walks the stages in pipeline/ once:
 * refresh gate → redirects → retry → transport, each hop's headers assembled on the way.
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
  private readonly live: LiveSession;
  private readonly transport: Transport;
  private readonly gate: RefreshGate;
  private readonly headers: RequestHeaders;
  private readonly writer: WriteBack | undefined;
  private readonly hops = new HopCache();
  private closed = false;
  /** Its cookies rotate: output scrubs whatever values it holds when printed (session/secrets.ts). */
  private readonly forgetSecrets = trackSessionSecrets(this, (client) => client.session);

  /** Use {@link openSession} or {@link openSessionFrom}. */
  constructor(session: Session, options: ClientOptions, store: SessionStore | undefined, ref: string | undefined) {
    const emit = options.onEvent;
    const live = new LiveSession(session, options.headers);
    this.live = live;
    this.cookies = live.jar;
    this.writer =
      store && ref !== undefined && !options.readOnly
        ? new WriteBack(store, ref, live.jar, (cookies) => emit?.({ type: 'write-back', cookies }), session.generation)
        : undefined;
    ({ gate: this.gate, transport: this.transport, headers: this.headers } = composePipeline(live, options, resolveOptions(options), this.writer));
  }

  /**
   * The session as it stands now: the loaded file with the jar's current cookies. The same object
   * until something changes, so a refresher's staleness check can cache by it.
   */
  get session(): Session {
    return this.live.session;
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
    const hop = this.hops.get(input);
    const method = options.method === undefined ? 'GET' : options.method.toUpperCase();
    // A request whose credentials the caller removed or replaced is not the session's: its answer
    // says nothing about the login, so it never triggers a re-login (which would rewrite the file).
    const own = options.headers === undefined || !this.live.policy.credentials.replacedBy(options.headers);
    return this.gate.request(hop, method, options, own);
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
    return { ...this.headers.forHop(this.hops.get(url), false, false, undefined) };
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
    this.live.clear();
  }

  /** Writes pending cookie changes to the store now. */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  /**
   * Waits for a refresh ahead of the expiry still running (its rotated refresh token must be saved),
   * flushes cookie updates, then closes every connection. Idempotent.
   *
   * @example
   * ```ts
   * await session.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.forgetSecrets();
    try {
      await this.gate.settled();
      await this.flush();
    } finally {
      await this.transport.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
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
