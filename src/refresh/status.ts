import { SessionjarError } from '../core/errors.js';
import { STATUS_EXIT_CODES as STATE_EXIT_CODES } from '../core/exit-codes.js';
import type { ClientOptions } from '../replay/options.js';
import { relativeTime, sessionExpiry, type ExpiryState } from '../session/expiry.js';
import type { SessionStore } from '../store/types.js';
import { runProbe, type ProbeResult } from './probe.js';

/** Exit statuses of `sessionjar status`, one per state (core/exit-codes.ts holds them with the rest). */
export const STATUS_EXIT_CODES: Record<ExpiryState, number> = STATE_EXIT_CODES;

export interface SessionStatus {
  name: string;
  location: string;
  state: ExpiryState;
  /** Unix seconds. */
  expiresAt?: number;
  /** What decided: a cookie, a JWT, or the live probe. */
  source?: string;
  probe?: ProbeResult;
}

export interface StatusOptions {
  /** Ask the server too (the login block's probe): its answer wins over the file's clock. */
  probe?: boolean;
  marginSeconds?: number;
  /** Milliseconds. */
  now?: number;
  client?: ClientOptions;
}

/**
 * How a stored session stands: from its own expiry times, and with `probe` from a live request. A
 * passing probe makes an expired or unknown session valid (the server still takes it); a failing one
 * makes it expired whatever the file says.
 */
export async function sessionStatus(store: SessionStore, name: string, options: StatusOptions = {}): Promise<SessionStatus> {
  const session = await store.load(name);
  const location = store.locate(name);
  const expiry = sessionExpiry(session, { marginSeconds: options.marginSeconds, now: options.now });
  const status: SessionStatus = { name: session.name, location, ...expiry };
  if (!options.probe) return status;
  if (!session.login?.probe) {
    throw new SessionjarError(
      'USAGE',
      `--probe: session "${name}" has no probe URL (login.probe in ${location}). Add one with \`sessionjar edit ${name} ${session.login ? '' : '--login-url <url> '}--probe <url>\` (a URL that answers 2xx only when logged in), or run \`sessionjar status ${name}\` without --probe.`,
    );
  }
  const probe = await runProbe(session, options.client);
  if (!probe) return status;
  if (!probe.ok) return { ...status, state: 'expired', source: `probe ${probe.method} ${probe.url} ${probe.reason}`, probe };
  return { ...status, state: expiry.state === 'expiring' ? 'expiring' : 'valid', probe };
}

/** One line for people: `github: valid, expires 2026-11-25T10:00:00.000Z (in 59m 30s), from cookie "sid" (example.com)`. */
export function describeStatus(status: Pick<SessionStatus, 'name' | 'state' | 'expiresAt' | 'source'>, nowMs = Date.now()): string {
  if (status.state === 'unknown' && status.expiresAt === undefined) {
    return `${status.name}: unknown (nothing in the session says when it expires: session cookies or opaque tokens; check with --probe)`;
  }
  const past = status.expiresAt !== undefined && status.expiresAt * 1000 <= nowMs;
  const when =
    status.expiresAt === undefined
      ? ''
      : `${past ? 'expired' : 'expires'} ${new Date(status.expiresAt * 1000).toISOString()} (${relativeTime(status.expiresAt, nowMs)})`;
  const head = status.state === 'expired' && past ? when : [status.state, when].filter(Boolean).join(', ');
  return `${status.name}: ${head}${status.source ? `, from ${status.source}` : ''}`;
}
