import { SessionjarError } from '../core/errors.js';
import { defaultStore } from '../store/default-store.js';
import type { SessionStore } from '../store/types.js';
import { describe } from './exhausted.js';
import { defaultPoolState, poolMembers } from './members.js';
import { newMember } from './transitions.js';
import type { MemberStatus, PoolState, StateChange } from './types.js';

export interface PoolStatusOptions {
  store?: SessionStore;
  /** The shared state (default: as openPool finds it). */
  state?: PoolState;
  now?: () => number;
}

/** One account of a pool as `sessionjar pool status` shows it. */
export interface PoolMemberStatus {
  name: string;
  status: MemberStatus;
  reason?: string;
  /** ISO time a cooling or quarantined account is back. */
  until?: string;
  lastUsed?: string;
  uses: number;
  errorScore: number;
  refreshFailures: number;
  /** One line for people: "quarantined until … (in 42 s): HTTP 403 from …". */
  summary: string;
}

export interface PoolStatus {
  pool: string;
  /** Where its state is kept. */
  state: string;
  members: PoolMemberStatus[];
}

/**
 * Each account of a pool and where it stands, read from the shared state (a cool-down whose time is
 * up shows as ready).
 *
 * @example
 * ```ts
 * const { members } = await poolStatus('shop');
 * for (const m of members) console.log(m.name, m.status, m.reason ?? '');
 * ```
 */
export async function poolStatus(prefix: string, options: PoolStatusOptions = {}): Promise<PoolStatus> {
  const store = options.store ?? defaultStore();
  const now = (options.now ?? Date.now)();
  const { pool, names } = await poolMembers(store, prefix);
  const state = options.state ?? defaultPoolState(store, pool);
  const snapshot = await state.get();
  const members = names.map((name): PoolMemberStatus => {
    const m = { ...(snapshot.members[name] ?? newMember()) };
    if ((m.status === 'cooling' || m.status === 'quarantined') && (m.until ?? 0) <= now) {
      m.reason = m.status === 'cooling' ? 'cool-down over' : 'quarantine over';
      m.status = 'ready';
      delete m.until;
    }
    return {
      name,
      status: m.status,
      ...(m.reason === undefined ? {} : { reason: m.reason }),
      ...(m.until === undefined ? {} : { until: new Date(m.until).toISOString() }),
      ...(m.lastUsed === undefined ? {} : { lastUsed: new Date(m.lastUsed).toISOString() }),
      uses: m.uses,
      errorScore: Math.round(m.errorScore * 100) / 100,
      refreshFailures: m.refreshFailures,
      summary: describe(m, now),
    };
  });
  return { pool, state: state.location, members };
}

/**
 * Makes accounts of a pool ready again (all of them when `names` is empty), counters cleared;
 * returns what changed.
 *
 * @example
 * ```ts
 * await resetPool('shop', ['shop-dave']); // recorded again after it was retired
 * ```
 */
export async function resetPool(prefix: string, names: readonly string[] = [], options: PoolStatusOptions = {}): Promise<StateChange[]> {
  const store = options.store ?? defaultStore();
  const { pool, names: all } = await poolMembers(store, prefix);
  for (const name of names) {
    if (!all.includes(name)) {
      throw new SessionjarError('USAGE', `session "${name}" is not in pool "${pool}" (${all.join(', ')}).`);
    }
  }
  return (options.state ?? defaultPoolState(store, pool)).reset(names.length === 0 ? all : names, (options.now ?? Date.now)());
}
