import { isSessionjarError, type SessionjarError } from '../core/errors.js';
import { scrubText } from '../core/redact.js';
import type { ReplayResponse } from '../replay/client.js';
import { isPeekable, peekBody } from '../replay/peek.js';
import { retryAfterMs } from '../replay/retry.js';
import type { Outcome } from './types.js';

/** How answers are judged; the pool's options with their defaults. */
export interface ClassifyOptions {
  blockedStatuses: readonly number[];
  /** A page that means blocked whatever its status (a captcha page). */
  blockedBody: RegExp | undefined;
  quarantineMs: number;
  /** A 429 without a (readable) Retry-After cools down this long. */
  rateLimitMs: number;
  now: () => number;
}

/**
 * What an answer says about the account that got it. A logged-out answer never reaches here as
 * such: the session's client has already refreshed and sent the request again. Reads the body only
 * for `blockedBody`, and gives back one that still yields every byte.
 */
export async function classifyResponse(response: ReplayResponse, method: string, options: ClassifyOptions): Promise<Outcome> {
  const { status, url } = response;
  if (status === 429) {
    const asked = retryAfterMs(response.headers['retry-after'], options.now());
    const coolDownMs = asked ?? options.rateLimitMs;
    return { kind: 'rate-limited', reason: `HTTP 429 from ${url}${asked === undefined ? '' : ` (Retry-After ${Math.ceil(asked / 1000)} s)`}`, coolDownMs };
  }
  if (options.blockedStatuses.includes(status)) return { kind: 'blocked', reason: `HTTP ${status} from ${url}`, coolDownMs: options.quarantineMs };
  if (options.blockedBody && isPeekable(response.headers, status, method)) {
    const { text, body } = await peekBody(response.body);
    response.body = body;
    if (text !== undefined && options.blockedBody.test(text)) {
      return { kind: 'blocked', reason: `the page from ${url} matches ${String(options.blockedBody)}`, coolDownMs: options.quarantineMs };
    }
  }
  if (status >= 500) return { kind: 'error', reason: `HTTP ${status} from ${url}` };
  return { kind: 'ok' };
}

/** What an error of the session's client says about the account; undefined: nothing (a usage error). */
export function classifyError(error: unknown): Outcome | undefined {
  if (isSessionjarError(error, 'REFRESH_FAILED') || isSessionjarError(error, 'SESSION_EXPIRED') || isSessionjarError(error, 'LOGIN_FAILED')) {
    return { kind: 'refresh-failed', reason: summarize(error) };
  }
  if (isSessionjarError(error, 'NETWORK_ERROR') || isSessionjarError(error, 'TIMEOUT')) return { kind: 'error', reason: summarize(error) };
  return undefined;
}

/** The longest reason kept from an error: the state holds one line per account, shown by `pool status`. */
const MAX_REASON = 600;

/**
 * An error as one line for the pool's state: its code and first line, and when that line ends in a
 * colon, what follows it (the list of why each refresh strategy failed), joined with "; "; the
 * advice after the list is left out (`pool status` and `pool reset` give their own). Credentials
 * are scrubbed as in any output; bounded to {@link MAX_REASON} characters.
 */
export function summarize(error: SessionjarError): string {
  const [head = '', ...rest] = error.message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  let text = head;
  if (head.endsWith(':') && rest.length > 0) {
    const items = rest.filter((line) => line.startsWith('- ')).map((line) => line.slice(2));
    text = `${head} ${items.length > 0 ? items.join('; ') : rest[0]}`;
  }
  const line = scrubText(`${error.code}: ${text}`);
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}
