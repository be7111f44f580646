import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connect.js';

/**
 * The Lua scripts of the Redis store. Each touches only keys of one session, which share the hash
 * tag `{name}`, so they run on Redis Cluster too. No WATCH/MULTI: node-redis keeps WATCH state per
 * connection, and a script is atomic on its own.
 */

/**
 * Compare-and-set of a session document. KEYS: the session hash, the lock that fences the write.
 * ARGV: the `writer` tag the caller read ('' for "no session yet"), the new document text, its
 * login generation, this write's own tag, the fencing lock token ('' for none) and the channel of
 * the session's generation.
 * Returns {1, version} written; {0, version} when another write came first; {-1, ''} when the
 * fencing lock is no longer held by the token (its holder was paused past its expiry).
 * A write that moves the login generation on publishes it on that channel, which wakes the
 * processes waiting for the refresh lock (redis-wake.ts).
 */
export const COMMIT = `
if ARGV[5] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[5] then return {-1, ''} end
local now = redis.call('HMGET', KEYS[1], 'writer', 'version', 'generation')
if (now[1] or '') ~= ARGV[1] then return {0, now[2] or '0'} end
local version = (tonumber(now[2]) or 0) + 1
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'generation', ARGV[3], 'writer', ARGV[4], 'version', version)
if tonumber(ARGV[3]) > (tonumber(now[3]) or 0) then redis.call('PUBLISH', ARGV[6], ARGV[3]) end
return {1, tostring(version)}
`;

/** Deletes a lock only while it still holds our token. KEYS: the lock. ARGV: the token. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Extends a lock only while it still holds our token. KEYS: the lock. ARGV: the token, the TTL in ms. */
export const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

const shas = new Map<string, string>();

/** EVALSHA, falling back to EVAL the first time a server has not seen the script (NOSCRIPT). */
export async function runScript<T>(client: RedisClient, script: string, keys: string[], args: string[]): Promise<T> {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  const rest = [String(keys.length), ...keys, ...args];
  try {
    return await client.sendCommand<T>(['EVALSHA', sha, ...rest]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.sendCommand<T>(['EVAL', script, ...rest]);
  }
}
