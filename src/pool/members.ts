import { SessionjarError } from '../core/errors.js';
import { FileStore } from '../store/file-store.js';
import { RedisStore } from '../store/redis-store.js';
import type { SessionStore } from '../store/types.js';
import { FilePoolState } from './file-state.js';
import { MemoryPoolState } from './memory-state.js';
import { RedisPoolState } from './redis-state.js';
import type { PoolState } from './types.js';

/** `shop` takes `shop-alice`, `shop_bob`, `shop.carol`; `shop-` takes whatever starts with it. */
export function inPool(prefix: string, name: string): boolean {
  if (!name.startsWith(prefix) || name === prefix) return false;
  return /[-_.]$/.test(prefix) || /^[-_.]/.test(name.slice(prefix.length));
}

/** The pool's accounts in order, and the pool's name (its state's key). */
export async function poolMembers(store: SessionStore, namesOrPrefix: string | readonly string[], name?: string): Promise<{ pool: string; names: string[] }> {
  if (typeof namesOrPrefix !== 'string') {
    const names = [...new Set(namesOrPrefix)];
    if (names.length === 0) throw new SessionjarError('USAGE', 'openPool: give at least one session name, or a prefix such as "shop".');
    for (const one of names) {
      if (!(await store.exists(one))) throw new SessionjarError('SESSION_NOT_FOUND', `pool: no session "${one}" at ${store.locate(one)}.`, { details: { name: one } });
    }
    return { pool: name ?? (commonPrefix(names) || 'pool'), names };
  }
  const prefix = namesOrPrefix;
  const names = (await store.list()).map((entry) => entry.name).filter((one) => inPool(prefix, one)).sort();
  if (names.length === 0) {
    throw new SessionjarError(
      'SESSION_NOT_FOUND',
      `pool "${prefix}": no session named ${prefix}-… in ${storePlace(store, `${prefix}-x`)}; record or import the accounts as ${prefix}-<account> (e.g. ${prefix}-alice).`,
      { details: { pool: prefix } },
    );
  }
  return { pool: name ?? prefix.replace(/[-_.]+$/, ''), names };
}

/** The state a pool on this store shares: a file next to the sessions, keys in their Redis, or this process's memory. */
export function defaultPoolState(store: SessionStore, pool: string): PoolState {
  if (store instanceof FileStore) return new FilePoolState(store.dir, pool);
  if (store instanceof RedisStore) return new RedisPoolState(store, pool);
  return new MemoryPoolState(pool);
}

/** Where the store keeps its sessions, for messages: a folder, or the Redis, as other commands name it. */
function storePlace(store: SessionStore, sample: string): string {
  if (store instanceof FileStore) return store.locate(sample).replace(/[^/\\]*$/, '');
  if (store instanceof RedisStore) return `Redis at ${store.where}`;
  return `the ${store.constructor.name}`;
}

function commonPrefix(names: readonly string[]): string {
  let prefix = names[0] ?? '';
  for (const one of names) while (!one.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.replace(/[-_.]+$/, '');
}
