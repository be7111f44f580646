import type { AsyncLocalStorage } from 'node:async_hooks';
import { redisError, type RedisClient } from './redis-connect.js';
import { withFailureCooldown } from './redis-failure.js';
import { withRedisLock, type HeldLock } from './redis-lock.js';
import { generationChannel, type GenerationWake } from './redis-wake.js';
import type { LockOptions } from './types.js';

export const DEFAULT_LOCK_TTL_MS = 15_000;
const DEFAULT_LOCK_TIMEOUT_MS = 120_000;
const DEFAULT_LOCK_POLL_MS = 250;
const MAX_LOCK_HOLD_MS = 15 * 60_000;
const DEFAULT_FAILURE_COOLDOWN_MS = 30_000;

/** What RedisStore's withLock works with; the `*Ms` settings as RedisStoreOptions has them. */
export interface SessionLock {
  client: RedisClient;
  /** The server, for messages. */
  where: string;
  ref: string;
  scope: string;
  sessionKey: string;
  settings: { lockTtlMs?: number; lockTimeoutMs?: number; lockPollMs?: number; failureCooldownMs?: number };
  /** The locks the running code holds: writes inside `fn` are fenced by this one. */
  held: AsyncLocalStorage<HeldLock[]>;
  /** The store's subscriber, made on first use. */
  wake: () => GenerationWake;
}

/**
 * RedisStore's withLock: runs `fn` holding `<session key>:lock:<scope>` (redis-lock.ts), with the
 * lock on record in `held` for fencing, a failed login shared for a cool-down (redis-failure.ts),
 * and, given `settled`, waiters woken when the session's login generation moves (redis-wake.ts).
 * fn's own errors go out as they are; only the lock's talk with Redis becomes IO_ERROR.
 */
export async function withSessionLock<T>(lock: SessionLock, fn: () => Promise<T>, options: LockOptions<T>): Promise<T> {
  const { client, settings, held, settled } = { ...lock, settled: options.settled };
  const key = `${lock.sessionKey}:lock:${lock.scope}`;
  const own = new WeakSet<object>();
  const marked = () =>
    fn().catch((error: unknown) => {
      if (typeof error === 'object' && error !== null) own.add(error);
      throw error;
    });
  const cooldown = settings.failureCooldownMs ?? DEFAULT_FAILURE_COOLDOWN_MS;
  const guarded = () => withFailureCooldown(client, lock.sessionKey, key, cooldown, marked);
  const lockOptions = {
    ttlMs: settings.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    timeoutMs: options.timeoutMs ?? settings.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    maxHoldMs: MAX_LOCK_HOLD_MS,
    maxPollMs: settings.lockPollMs ?? DEFAULT_LOCK_POLL_MS,
    what: `the "${lock.scope}" lock of ${lock.ref} in Redis at ${lock.where}`,
  };
  const waiting = settled && { watch: () => lock.wake().watch(generationChannel(lock.sessionKey)), settled };
  try {
    return await withRedisLock(client, key, lockOptions, (taken) => held.run([...(held.getStore() ?? []), taken], guarded), waiting);
  } catch (error) {
    throw typeof error === 'object' && error !== null && own.has(error) ? error : redisError(lock.where, error);
  }
}
