import { SessionjarError, isSessionjarError, type ErrorCode } from '../core/errors.js';
import type { RedisClient } from './redis-connect.js';

/** Failures of a lock holder that every other process would meet too: a login that does not work. */
const SHARED: ReadonlySet<ErrorCode> = new Set(['REFRESH_FAILED', 'SESSION_EXPIRED', 'LOGIN_FAILED']);

interface Marker {
  code: ErrorCode;
  message: string;
  at: number;
  /** The session's `version` when it failed: once the session changes, the marker no longer counts. */
  version: string | null;
}

/**
 * Runs `fn` (inside the lock) unless another holder's login failed less than `cooldownMs` ago on
 * the session as it is now: then throws that failure again, with its reason, so a fleet of N
 * workers stops after one failed login instead of each trying in turn. A failure of `fn` with one
 * of the SHARED codes is recorded for the others (`<lock key>:failed`, expiring after the cool-down).
 */
export async function withFailureCooldown<T>(client: RedisClient, sessionKey: string, lockKey: string, cooldownMs: number, fn: () => Promise<T>): Promise<T> {
  const markerKey = `${lockKey}:failed`;
  if (cooldownMs <= 0) return fn();
  const [text, version] = await Promise.all([
    client.sendCommand<string | null>(['GET', markerKey]),
    client.sendCommand<string | null>(['HGET', sessionKey, 'version']),
  ]);
  const marker = text ? (JSON.parse(text) as Marker) : undefined;
  if (marker && marker.version === version) {
    const ago = Math.round((Date.now() - marker.at) / 1000);
    const left = Math.max(1, Math.round((marker.at + cooldownMs - Date.now()) / 1000));
    throw new SessionjarError(
      marker.code,
      `${marker.message}\n(Another process met this ${ago} s ago; no process tries again for ${left} s more, or until the session changes, e.g. \`sessionjar push\` of a fresh login.)`,
      { details: { sharedFailure: true, at: new Date(marker.at).toISOString() } },
    );
  }
  try {
    return await fn();
  } catch (error) {
    if (isSessionjarError(error) && SHARED.has(error.code)) {
      const record: Marker = { code: error.code, message: error.message, at: Date.now(), version };
      // Best effort: without the marker the others only try again themselves.
      await client.sendCommand(['SET', markerKey, JSON.stringify(record), 'PX', String(cooldownMs)]).catch(() => undefined);
    }
    throw error;
  }
}
