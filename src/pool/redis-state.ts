import { randomBytes } from 'node:crypto';
import { redisError, type RedisClient } from '../store/redis-connect.js';
import { runScript } from '../store/redis-scripts.js';
import type { RedisStore } from '../store/redis-store.js';
import { checkSessionName } from '../store/names.js';
import { RECORD, RESET, TAKE } from './redis-scripts.js';
import { emptySnapshot, newMember } from './transitions.js';
import type { MemberState, Outcome, PoolLimits, PoolSnapshot, PoolState, StateChange, TakeRequest, TakeResult } from './types.js';

/**
 * A pool's state in the Redis of its sessions, shared by every process of the fleet. Each account is
 * a hash `<prefix>pool:{<pool>}:m:<name>` and the pool's counters the hash `<prefix>pool:{<pool>}`;
 * `take`, `record` and `reset` are each one Lua script (redis-scripts.ts), so a least-recently-used
 * pick and its stamp are one step for the whole fleet and counters change in place (HINCRBY), never
 * by rewriting a whole state. State changes are published on `<prefix>pool:{<pool>}:events`; `watch`
 * hears the other processes' ones.
 *
 * @example
 * ```ts
 * const store = await openStore('redis://cache:6379/0');
 * const pool = await openPool('shop', { store }); // a RedisPoolState, found by defaultPoolState
 * ```
 */
export class RedisPoolState implements PoolState {
  readonly location: string;
  readonly #store: RedisStore;
  readonly #base: string;
  readonly #channel: string;
  /** Tags this process's messages, so `watch` passes on only the others'. */
  readonly #origin = randomBytes(8).toString('hex');

  constructor(store: RedisStore, pool: string) {
    this.#store = store;
    this.#base = `${store.prefix}pool:{${checkSessionName(pool)}}`;
    this.#channel = `${this.#base}:events`;
    this.location = `${store.where} ${this.#base}`;
  }

  async take({ names, pick, pinned, now }: TakeRequest): Promise<TakeResult> {
    const reply = await this.#run<string>(TAKE, names, [String(now), pick, pinned ?? '', this.#channel, this.#origin, ...names]);
    const parsed = JSON.parse(reply) as { name?: string; changes: StateChange[] | Record<string, never>; members: Record<string, Partial<MemberState>> };
    const members = Object.fromEntries(Object.entries(parsed.members).map(([name, m]) => [name, { ...newMember(), ...m }]));
    return { ...(parsed.name === undefined ? {} : { name: parsed.name }), changes: list(parsed.changes), members };
  }

  async record(name: string, outcome: Outcome, limits: PoolLimits, now: number): Promise<StateChange | undefined> {
    const reason = outcome.kind === 'ok' ? '' : outcome.reason;
    const coolDownMs = outcome.kind === 'blocked' || outcome.kind === 'rate-limited' ? outcome.coolDownMs : 0;
    const errorReason = `error score reached ${limits.maxErrorScore} (last: ${reason})`;
    const reply = await this.#run<string>(RECORD, [name], [
      name,
      outcome.kind,
      reason,
      String(coolDownMs),
      String(now),
      String(limits.maxErrorScore),
      String(limits.errorHalfLifeMs),
      String(limits.errorCoolDownMs),
      String(limits.maxRefreshFailures),
      errorReason,
      this.#channel,
      this.#origin,
    ]);
    return reply === '' ? undefined : (JSON.parse(reply) as StateChange);
  }

  async reset(names: readonly string[], now: number): Promise<StateChange[]> {
    return list(JSON.parse(await this.#run<string>(RESET, names, [String(now), this.#channel, this.#origin, ...names])) as StateChange[]);
  }

  async get(): Promise<PoolSnapshot> {
    const client = await this.#store.connection();
    try {
      const [pool, names] = await Promise.all([
        client.sendCommand<string[]>(['HGETALL', this.#base]),
        client.sendCommand<string[]>(['SMEMBERS', `${this.#base}:names`]),
      ]);
      const hashes = await Promise.all(names.map((name) => client.sendCommand<string[]>(['HGETALL', this.#member(name)])));
      const snapshot = emptySnapshot();
      const head = pairs(pool);
      snapshot.seq = Number(head.seq ?? 0);
      snapshot.cursor = Number(head.cursor ?? 0);
      if (head.current !== undefined) snapshot.current = head.current;
      names.forEach((name, i) => (snapshot.members[name] = toMember(pairs(hashes[i] ?? []))));
      return snapshot;
    } catch (error) {
      throw redisError(this.#store.where, error);
    }
  }

  /**
   * Calls `listener` with every state change another process makes (`remote: true`), from the moment
   * the returned promise resolves; a second connection, subscribed to the pool's channel. Messages
   * published while it is disconnected are lost (pub/sub keeps none): `get()` has the state. Resolves
   * to the function that stops listening.
   */
  async watch(listener: (change: StateChange) => void): Promise<() => Promise<void>> {
    const client = await this.#store.connection();
    const subscriber = client.duplicate();
    // Lost connections come back by themselves (the reconnect strategy is the store's).
    subscriber.on('error', () => undefined);
    try {
      await subscriber.connect();
      await subscriber.subscribe(this.#channel, (message) => {
        const parsed = parse(message);
        if (parsed && parsed.origin !== this.#origin) listener({ ...parsed.change, remote: true });
      });
    } catch (error) {
      subscriber.destroy();
      throw redisError(this.#store.where, error);
    }
    // Listening never keeps the process alive on its own.
    subscriber.unref();
    return async () => {
      subscriber.destroy();
    };
  }

  async #run<T>(script: string, names: readonly string[], args: string[]): Promise<T> {
    const client: RedisClient = await this.#store.connection();
    try {
      return await runScript<T>(client, script, [this.#base, `${this.#base}:names`, ...names.map((name) => this.#member(name))], args);
    } catch (error) {
      throw redisError(this.#store.where, error);
    }
  }

  #member(name: string): string {
    return `${this.#base}:m:${name}`;
  }
}

/** cjson writes an empty Lua table as `{}`. */
function list<T>(value: T[] | Record<string, never>): T[] {
  return Array.isArray(value) ? value : [];
}

function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}

function toMember(fields: Record<string, string>): MemberState {
  const m = newMember();
  if (fields.status !== undefined) m.status = fields.status as MemberState['status'];
  if (fields.reason !== undefined) m.reason = fields.reason;
  for (const key of ['until', 'lastUsed', 'scoreAt'] as const) if (fields[key] !== undefined) m[key] = Number(fields[key]);
  for (const key of ['lastSeq', 'uses', 'errorScore', 'refreshFailures'] as const) if (fields[key] !== undefined) m[key] = Number(fields[key]);
  return m;
}

function parse(message: string): { origin: string; change: StateChange } | undefined {
  try {
    return JSON.parse(message) as { origin: string; change: StateChange };
  } catch {
    return undefined;
  }
}
