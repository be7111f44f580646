import { SessionjarError } from '../core/errors.js';
import type { Session } from '../session/schema/index.js';
import type { SessionStore } from '../store/types.js';
import type { CookieSize } from './cookie-size.js';

/**
 * What the replay client asks of a refresher (implemented in `src/refresh/`, handed in through
 * {@link ClientOptions.refresher}, so a plain request never loads the refresh or record code).
 *
 * @example
 * ```ts
 * const refresher: Refresher = { refresh: async () => store.load('github') };
 * ```
 */
export interface Refresher {
  /** true when the session should be refreshed before the next request. */
  isStale?(session: Session): boolean;
  /** Logs in again (or reloads what another process refreshed) and returns the fresh session. */
  refresh(reason: RefreshReason): Promise<Session>;
  /**
   * true when `session` (one `refresh` returned) was taken up from another process's refresh, not
   * logged in by this refresher: a request still logged out with it may refresh once more.
   */
  adopted?(session: Session): boolean;
  /**
   * true when `session`, stale by `isStale`, still works (expiring, not yet expired): the client then
   * refreshes in the background and keeps sending with it until the refresh lands, so no request
   * waits for a login that is not due yet (nor for another process's, on a shared store). Absent,
   * or false: requests wait for the refresh.
   */
  stillValid?(session: Session): boolean;
}

export interface RefreshReason {
  kind: 'stale' | 'logged-out';
  url: string;
  /** The session the client held when it decided: a refresher skips the login when the file moved on since. */
  session?: Session;
}

/**
 * What the client reports for `-v` and logs. Header values are as sent: print them through
 * `redactHeader` from `core/redact.ts`.
 *
 * @example
 * ```ts
 * onEvent: (e) => { if (e.type === 'retry') console.error(`retry ${e.attempt} of ${e.url}`); }
 * ```
 */
export type ReplayEvent =
  | { type: 'request'; method: string; url: string; headers: Record<string, string> }
  | { type: 'response'; status: number; url: string; headers: Record<string, string | string[]> }
  | { type: 'retry'; method: string; url: string; attempt: number; delayMs: number; reason: string }
  | { type: 'refresh'; url: string; reason: RefreshReason['kind'] }
  /** A Set-Cookie from `url` that was not stored (too large, a prefix or Secure rule, an anonymous request). */
  | { type: 'cookie-refused'; url: string; name: string; reason: string }
  | { type: 'write-back'; cookies: number }
  /**
   * A 431 (Request Header Fields Too Large) from `url`: the Cookie header sent, in bytes, and its
   * cookies by size, largest first (names only). The response itself is returned as it came.
   */
  | { type: 'headers-too-large'; url: string; status: number; cookieBytes: number; cookies: CookieSize[] };

export interface Timeouts {
  /** TCP + TLS handshake, ms. */
  connect?: number;
  /** From sending the request to the last response header, ms. */
  headers?: number;
  /** Longest pause between two chunks of the body, ms. */
  body?: number;
  /** The whole call, redirects and retries included, until the body is read, ms. */
  total?: number;
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  limit: number;
  /** Longest Retry-After honoured; a longer one returns the response without waiting. */
  maxRetryAfterMs?: number;
}

/**
 * Options of {@link openSession}. Every field is optional; the defaults suit a CLI.
 *
 * @example
 * ```ts
 * const session = await openSession('github', { http2: true, timeouts: { total: 10_000 }, readOnly: true });
 * ```
 */
export interface ClientOptions {
  /** Where the session is loaded from and cookie updates are written back (default: ./recordings). */
  store?: SessionStore;
  /** Negotiate HTTP/2 over TLS (ALPN) and multiplex requests on one connection per origin. */
  http2?: boolean;
  /** Proxy URL for every request; wins over the environment. */
  proxy?: string;
  /** Honour HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY (either case). Default true. */
  trustEnv?: boolean;
  timeouts?: Timeouts;
  /** Retries of idempotent requests on connection errors and 429/502/503/504. Default 2. */
  retries?: number | RetryOptions;
  /** Default 10. */
  maxRedirects?: number;
  /** Sent on every request, over the recorded default headers (User-Agent, Accept-Language). */
  headers?: Record<string, string>;
  /** Never write cookie updates back to the store. */
  readOnly?: boolean;
  /** Connections per origin (HTTP/1.1 pool size). Default: unlimited. */
  connections?: number;
  /** CA certificates (PEM) trusted instead of Node's built-in ones, e.g. for a self-signed server. */
  ca?: string | Buffer;
  /** Default true: verify TLS certificates. */
  rejectUnauthorized?: boolean;
  /** The environment read for proxies when `trustEnv` (default: process.env). */
  env?: NodeJS.ProcessEnv;
  onEvent?: (event: ReplayEvent) => void;
  /** Asked for a fresh session before a request when the session is stale, and after a logged-out answer (unless `autoRefresh: false`). */
  refresher?: Refresher;
  /**
   * Default true. `false` turns refreshing off entirely, whether a `refresher` is given or not: no
   * refresh before a request however stale the session, none after a logged-out answer (that answer
   * is returned as it came); the session is used as it is. Refresh by hand with `refreshSession`.
   *
   * @example
   * ```ts
   * const session = await openSessionFrom(saved, { refresher, autoRefresh: false }); // refresher never asked
   * ```
   */
  autoRefresh?: boolean;
  /**
   * The largest response head accepted, in bytes (status line and headers, as undici counts it).
   * Default 256 KiB, about what browsers accept: chunked sign-in cookies (ASP.NET Core
   * `.AspNetCore.CookiesC1…Cn`), SAML and Azure AD answers pass undici's own 16 KiB. A larger head
   * is a NETWORK_ERROR naming the URL and this option. HTTP/1.1 only: at HTTP/2 Node takes 64 KiB.
   */
  maxResponseHeaderBytes?: number;
  /**
   * The clock, in ms since the epoch, that bounds how long a staleness verdict is reused (about a
   * second). Default `Date.now`; tests pass one they advance instead of sleeping.
   */
  now?: () => number;
}

/** Defaults fit for a CLI: a hung server fails in seconds, not undici's 300 s. */
export const DEFAULT_TIMEOUTS: Required<Timeouts> = { connect: 10_000, headers: 30_000, body: 30_000, total: 60_000 };
export const DEFAULT_RETRIES = 2;
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
export const DEFAULT_MAX_REDIRECTS = 10;
export const DEFAULT_MAX_RESPONSE_HEADER_BYTES = 256 * 1024;

/** Options with every default applied; what the pieces of the client read. */
export interface ResolvedOptions {
  timeouts: Required<Timeouts>;
  retry: Required<RetryOptions>;
  maxRedirects: number;
  maxResponseHeaderBytes: number;
}

export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const retry = typeof retries === 'number' ? { limit: retries } : retries;
  const resolved = {
    timeouts: { ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) },
    retry: { limit: retry.limit, maxRetryAfterMs: retry.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS },
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    maxResponseHeaderBytes: options.maxResponseHeaderBytes ?? DEFAULT_MAX_RESPONSE_HEADER_BYTES,
  };
  for (const [name, value] of Object.entries(resolved.timeouts)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new SessionjarError('USAGE', `timeouts.${name} must be a number of milliseconds > 0, not ${String(value)}.`);
    }
  }
  checkCount('retries', resolved.retry.limit, 0);
  checkCount('retries.maxRetryAfterMs', resolved.retry.maxRetryAfterMs, 0);
  checkCount('maxRedirects', resolved.maxRedirects, 0);
  checkCount('maxResponseHeaderBytes', resolved.maxResponseHeaderBytes, 1);
  if (options.connections !== undefined) checkCount('connections', options.connections, 1);
  return resolved;
}

function checkCount(option: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new SessionjarError('USAGE', `${option} must be a whole number ≥ ${min}, not ${String(value)}.`);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
