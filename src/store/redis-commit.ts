import { randomBytes } from 'node:crypto';
import { SessionjarError } from '../core/errors.js';
import { redisError, type RedisClient } from './redis-connect.js';
import type { HeldLock } from './redis-lock.js';
import { COMMIT, runScript } from './redis-scripts.js';
import { generationChannel } from './redis-wake.js';

export interface Commit {
  /** The server, for messages. */
  where: string;
  /** The session hash. */
  key: string;
  /** The `writer` tag read before (`''`: no session yet). */
  expected: string;
  text: string;
  generation: number;
  /** The lock this write is made under, if any: the write is refused once it is no longer ours. */
  fence: HeldLock | undefined;
  /** The lock's TTL, for the message. */
  ttlMs: number;
}

/**
 * One compare-and-set of a session document (redis-scripts.ts's COMMIT): true when written, false
 * when another write came first. A reply lost to a timeout is settled by reading the tag back: the
 * write may have landed. LOCK_TIMEOUT when the fencing lock is lost.
 */
export async function commitDocument(client: RedisClient, commit: Commit): Promise<boolean> {
  const { key, fence } = commit;
  const writer = randomBytes(16).toString('hex');
  // A lock known lost is sent as a token no lock holds, so the script refuses the write.
  const token = fence ? (fence.state === 'held' ? fence.token : 'lost') : '';
  let reply: [number, string];
  try {
    reply = await runScript<[number, string]>(client, COMMIT, [key, fence?.key ?? `${key}:lock:none`], [commit.expected, commit.text, String(commit.generation), writer, token, generationChannel(key)]);
  } catch (error) {
    const landed = await client.sendCommand<string | null>(['HGET', key, 'writer']).catch(() => undefined);
    if (landed === writer) return true;
    throw redisError(commit.where, error);
  }
  if (Number(reply[0]) === -1) {
    throw new SessionjarError(
      'LOCK_TIMEOUT',
      `${commit.where} ${key}: this process lost its lock on the session before writing (paused or cut off past the lock's ${Math.round(commit.ttlMs / 1000)} s), so another process may have taken over; the write was refused and the session stored now stays.`,
      { details: { store: commit.where, key } },
    );
  }
  return Number(reply[0]) === 1;
}
