import { randomBytes } from 'node:crypto';
import { SessionjarError } from '../core/errors.js';
import type { RedisClient } from './redis-connect.js';
import { EXTEND, RELEASE, runScript } from './redis-scripts.js';
import type { Watcher } from './redis-wake.js';

export interface RedisLockOptions {
  /** How long a lock lives without a heartbeat: a crashed holder's lock is free after this. */
  ttlMs: number;
  /** How long to wait for the lock before LOCK_TIMEOUT. */
  timeoutMs: number;
  /** The heartbeat stops extending after this long, so a hung holder cannot keep the lock forever. */
  maxHoldMs: number;
  /** For messages: what the lock guards (`the "refresh" lock of github in Redis at …`). */
  what: string;
  /** The longest pause between two tries for a taken lock (jittered); the pauses grow from 10 ms to it. */
  maxPollMs: number;
}

/** What a waiter may do besides polling: be woken when the session changes, and take a look then. */
export interface LockWaiting<T> {
  /** Starts listening; called when a try first finds the lock taken. */
  watch(): Watcher;
  /** A look at the session: a value ends the wait with it, without the lock and without running fn. */
  settled(): Promise<T | undefined>;
}

/** A lock this process took: `lost` once the heartbeat finds it gone or someone else's, `released` after. */
export interface HeldLock {
  key: string;
  token: string;
  state: 'waiting' | 'held' | 'lost' | 'released';
}

/**
 * Runs `fn` holding a Redis lock: `SET key token NX PX ttl` with a random 128-bit token, extended by
 * a heartbeat every third of the TTL while `fn` runs, released by compare-and-delete (never someone
 * else's lock). Waiters poll with jitter and, given `waiting`, also wake when the session changes
 * (redis-wake.ts) and may go on without the lock (a login another process committed). A holder that loses its lock (paused or cut off past the
 * TTL) finds it `lost`; writes fenced with it are refused (redis-store.ts).
 */
export async function withRedisLock<T>(
  client: RedisClient,
  key: string,
  options: RedisLockOptions,
  fn: (lock: HeldLock) => Promise<T>,
  waiting?: LockWaiting<T>,
): Promise<T> {
  const lock: HeldLock = { key, token: randomBytes(16).toString('hex'), state: 'waiting' };
  const deadline = Date.now() + options.timeoutMs;
  let watcher: Watcher | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      const reply = await client.sendCommand<string | null>(['SET', key, lock.token, 'NX', 'PX', String(options.ttlMs)]);
      if (reply === 'OK') break;
      watcher ??= waiting?.watch();
      const wait = Math.min(options.maxPollMs, 10 * 2 ** attempt) * (0.5 + Math.random());
      if (Date.now() + wait > deadline) {
        throw new SessionjarError(
          'LOCK_TIMEOUT',
          `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}: another process holds it (a login in progress, or a crashed holder whose lock expires within ${Math.round(options.ttlMs / 1000)} s). Try again.`,
          { details: { lock: key } },
        );
      }
      if (!watcher) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      } else if (await watcher.pause(wait)) {
        const value = await waiting?.settled();
        if (value !== undefined) return value;
      }
    }
  } finally {
    watcher?.close();
  }
  lock.state = 'held';
  const started = Date.now();
  const beat = setInterval(() => {
    if (Date.now() - started > options.maxHoldMs) return;
    runScript<number>(client, EXTEND, [key], [lock.token, String(options.ttlMs)]).then(
      (extended) => {
        if (Number(extended) !== 1 && lock.state === 'held') lock.state = 'lost';
      },
      // Unreachable for a beat: the next one tries again; past the TTL the commit is fenced.
      () => undefined,
    );
  }, Math.max(10, Math.floor(options.ttlMs / 3)));
  beat.unref();
  try {
    return await fn(lock);
  } finally {
    clearInterval(beat);
    const wasHeld = lock.state === 'held';
    lock.state = 'released';
    // Expires by itself if this fails; never deletes a lock another process took since.
    if (wasHeld) await runScript(client, RELEASE, [key], [lock.token]).catch(() => undefined);
  }
}
