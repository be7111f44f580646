import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Budget } from './budget.js';

/**
 * The shapes the pieces of the client pass each other. They live here, apart from the client, so
 * that no piece imports the facade (and the facade imports no cycle back).
 */

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
  /**
   * Called when a refresh of the session succeeded for this request, just before the request is
   * sent with the fresh session: it was stale before it was sent, or answered as logged out. Not
   * called when the refresh failed. The gateway's log line says "refreshed" by it.
   */
  onRefresh?: () => void;
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

export type HeaderMap = Record<string, string>;

/** A request body as the client sends it (fetch bodies are read into memory first). */
export type RequestBody = NonNullable<ReplayRequestOptions['body']> | null;

/** A request's own headers, lower-cased; null leaves the header out. */
export type CallerHeaders = Record<string, string | null>;

/**
 * A URL with the strings a hop needs, read once: URL getters build a new string on every call
 * (see hop.ts, which makes and caches them).
 */
export interface Hop extends CookieTarget {
  /** Parsed on first read for a hop HopCache made from a plain URL string. */
  readonly url: URL;
  origin: string;
  href: string;
  /** Path and query, as the request line sends them. */
  path: string;
}

/**
 * Sends one hop and gives back undici's answer: the shape every stage below the redirect loop has
 * (transport.ts sends it, retry.ts wraps a sender in retries), as undici's interceptors each wrap
 * one dispatch.
 */
export interface HopSender {
  send(hop: Hop, method: string, headers: HeaderMap, body: RequestBody, budget: Budget): Promise<Dispatcher.ResponseData>;
}

/** What of a URL the cookies sent to it depend on: a `URL`, or a hop. */
export type CookieTarget = Pick<URL, 'protocol' | 'hostname' | 'pathname'>;
