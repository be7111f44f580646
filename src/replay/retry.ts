import { CONNECTION_ERROR_CODES, causeCode } from './transport-errors.js';

/** Methods safe to send twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const BASE_DELAY_MS = 200;
const MAX_BACKOFF_MS = 5_000;

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** A connection refused, reset or closed before a response: nothing reached the application. */
export function isRetryableError(error: unknown): boolean {
  const code = causeCode(error);
  return code !== undefined && CONNECTION_ERROR_CODES.has(code);
}

/**
 * Exponential backoff with full jitter (a random wait up to 200 ms × 2^attempt, at most 5 s), so
 * many clients retrying at once spread out.
 *
 * @example
 * ```ts
 * backoffMs(0); // 0–200
 * backoffMs(3); // 0–1600
 * ```
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** attempt));
}

/**
 * Retry-After as milliseconds from now: delta-seconds or an HTTP-date; undefined when absent or
 * unreadable.
 *
 * @example
 * ```ts
 * retryAfterMs('2'); // 2000
 * retryAfterMs('Wed, 25 Nov 2026 10:00:00 GMT', Date.parse('2026-11-25T09:59:59Z')); // 1000
 * ```
 */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retrying a response with this status, or undefined to return it as it
 * is: not a retry status, or a Retry-After longer than `maxRetryAfterMs`.
 */
export function statusRetryDelay(
  status: number,
  retryAfter: string | string[] | undefined,
  attempt: number,
  maxRetryAfterMs: number,
): number | undefined {
  if (!RETRY_STATUSES.has(status)) return undefined;
  const asked = retryAfterMs(retryAfter);
  if (asked === undefined) return backoffMs(attempt);
  return asked <= maxRetryAfterMs ? asked : undefined;
}
