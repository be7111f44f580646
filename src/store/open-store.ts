import { FileStore, type FileStoreOptions } from './file-store.js';
import { defaultKeyProvider } from './keys.js';
import { isRedisUrl } from './redis-connect.js';
import { RedisStore, type RedisStoreOptions } from './redis-store.js';

/** A store that holds a connection (or nothing to close, for files) and says when it is done. */
export type ClosableStore = (FileStore | RedisStore) & { close(): Promise<void> };

export type OpenStoreOptions = Omit<RedisStoreOptions, 'url'> & Omit<FileStoreOptions, 'dir'>;

/**
 * The store a URL names: a Redis server for `redis://host:6379/0`, `rediss://…` (TLS) or
 * `unix:///path/to/redis.sock?db=0`, else the folder of session files at that path. A Redis store
 * is connected and checked (reachable, `maxmemory-policy noeviction`) before it is returned.
 *
 * @example
 * ```ts
 * const store = await openStore(process.env.SESSIONJAR_STORE ?? 'redis://127.0.0.1:6379/0');
 * const session = await openSession('github', { store });
 * try {
 *   await session.request('https://api.github.com/user');
 * } finally {
 *   await session.close();
 *   await store.close();
 * }
 * ```
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<ClosableStore> {
  const store = storeAt(url, options);
  if (store instanceof RedisStore) await store.connect();
  return store;
}

/** As openStore, without connecting: a Redis store connects on first use. */
export function storeAt(url: string, options: OpenStoreOptions = {}): ClosableStore {
  const keys = options.keys === undefined ? defaultKeyProvider() : options.keys;
  if (isRedisUrl(url)) return new RedisStore({ ...options, keys, url });
  return new FileStore({ ...options, keys, dir: url });
}
