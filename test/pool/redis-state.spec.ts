import { expect, test } from '@playwright/test';
import { MemoryPoolState } from '../../src/pool/memory-state.js';
import { RedisPoolState } from '../../src/pool/redis-state.js';
import { newMember } from '../../src/pool/transitions.js';
import type { MemberState, Outcome, PickStrategy, PoolLimits, StateChange } from '../../src/pool/types.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

// Issue 20, fleet-wide: the pool's rules run as Lua scripts in Redis (src/pool/redis-scripts.ts).
// They must mean what transitions.ts means: both are run on the same long run of operations.

let redis: RedisServer;
let store: RedisStore;
test.beforeAll(async () => {
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, keys: null });
});
test.afterAll(async () => {
  await store.close();
  await redis.stop();
});

const NAMES = ['shop-alice', 'shop-bob', 'shop-carol', 'shop-dave'];
const LIMITS: PoolLimits = { maxErrorScore: 2.5, errorHalfLifeMs: 10_000, errorCoolDownMs: 7_000, maxRefreshFailures: 2 };

/** A small deterministic generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** The error score as Lua prints it (14 digits) cannot equal JavaScript's to the last bit. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'errorScore' && typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v))) as T;
}

function sorted(changes: StateChange[]): StateChange[] {
  return [...changes].sort((a, b) => a.name.localeCompare(b.name));
}

test('the Redis scripts and transitions.ts agree on 600 random takes, outcomes and resets', async () => {
  const redisState = new RedisPoolState(store, 'diff');
  const memory = new MemoryPoolState('diff');
  const next = random(20);
  const one = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  let now = Date.parse('2026-12-08T10:00:00Z');
  const outcomes = (): Outcome =>
    one<Outcome>([
      { kind: 'ok' },
      { kind: 'ok' },
      { kind: 'blocked', reason: 'HTTP 403 from http://shop/api', coolDownMs: 5_000 },
      { kind: 'rate-limited', reason: 'HTTP 429 from http://shop/api (Retry-After 2 s)', coolDownMs: 2_000 },
      { kind: 'error', reason: 'HTTP 503 from http://shop/api' },
      { kind: 'error', reason: 'NETWORK_ERROR: connection refused' },
      { kind: 'refresh-failed', reason: 'REFRESH_FAILED: login is down' },
    ]);
  const seen = { taken: 0, exhausted: 0, changes: 0 };
  const statuses = new Set<string>();
  for (let step = 0; step < 600; step++) {
    now += Math.floor(next() * 1500);
    const roll = next();
    if (roll < 0.5) {
      const pick = one<PickStrategy>(['round-robin', 'least-recently-used', 'use-until-failure']);
      const request = { names: NAMES, pick, now, ...(next() < 0.15 ? { pinned: one(NAMES) } : {}) };
      const [got, want] = await Promise.all([redisState.take(request), memory.take(request)]);
      expect(rounded({ ...got, changes: sorted(got.changes) }), `step ${step}: take ${JSON.stringify(request)}`).toEqual(rounded({ ...want, changes: sorted(want.changes) }));
      for (const m of Object.values(want.members)) statuses.add(m.status);
      if (want.name) seen.taken++;
      else seen.exhausted++;
      seen.changes += want.changes.length;
    } else if (roll < 0.97) {
      const name = one(NAMES);
      const outcome = outcomes();
      const [got, want] = await Promise.all([redisState.record(name, outcome, LIMITS, now), memory.record(name, outcome, LIMITS, now)]);
      expect(got, `step ${step}: record ${name} ${JSON.stringify(outcome)}`).toEqual(want);
      if (want) seen.changes++;
    } else {
      const names = next() < 0.5 ? NAMES : [one(NAMES)];
      expect(await redisState.reset(names, now), `step ${step}: reset ${names.join(',')}`).toEqual(await memory.reset(names, now));
    }
  }
  const [got, want] = await Promise.all([redisState.get(), memory.get()]);
  const full = (members: Record<string, MemberState>) => Object.fromEntries(NAMES.map((name) => [name, members[name] ?? newMember()]));
  expect(rounded({ ...got, members: full(got.members) })).toEqual(rounded({ ...want, members: full(want.members) }));
  // The run went through every state and both ends of a take, not only the happy path.
  expect([...statuses].sort()).toEqual(['cooling', 'quarantined', 'ready', 'retired']);
  expect(seen.taken).toBeGreaterThan(100);
  expect(seen.exhausted).toBeGreaterThan(0);
  expect(seen.changes).toBeGreaterThan(50);
});

test("a change one state makes reaches another state's watcher, marked remote; its own changes do not", async () => {
  const here = new RedisPoolState(store, 'watch');
  const there = new RedisPoolState(store, 'watch');
  const heard: StateChange[] = [];
  const stop = await here.watch((change) => heard.push(change));
  try {
    const now = Date.parse('2026-12-08T10:00:00Z');
    await here.record('shop-alice', { kind: 'blocked', reason: 'HTTP 403 from http://shop/api', coolDownMs: 1000 }, LIMITS, now);
    await there.record('shop-bob', { kind: 'rate-limited', reason: 'HTTP 429 from http://shop/api', coolDownMs: 2000 }, LIMITS, now);
    await expect.poll(() => heard.length, { timeout: 5_000 }).toBe(1);
    expect(heard).toEqual([{ name: 'shop-bob', from: 'ready', to: 'cooling', reason: 'HTTP 429 from http://shop/api', until: now + 2000, at: now, remote: true }]);
  } finally {
    await stop();
  }
});

test('three errors a second apart reach the default limit of 3 in both, and use-until-failure then moves on in both', async () => {
  const limits: PoolLimits = { maxErrorScore: 3, errorHalfLifeMs: 60_000, errorCoolDownMs: 7_000, maxRefreshFailures: 3 };
  const states = [new RedisPoolState(store, 'quick'), new MemoryPoolState('quick')];
  for (const state of states) {
    let now = Date.parse('2026-12-08T10:00:00Z');
    const take = () => state.take({ names: NAMES, pick: 'use-until-failure', now });
    const error: Outcome = { kind: 'error', reason: 'HTTP 503 from http://shop/api' };
    expect((await take()).name, state.location).toBe('shop-alice');
    // One error counts against alice: the next take goes on from her, though she is still ready.
    expect(await state.record('shop-alice', error, limits, now)).toBeUndefined();
    expect((await take()).name, state.location).toBe('shop-bob');
    const changes = [];
    for (let i = 0; i < 3; i++, now += 1000) changes.push(await state.record('shop-carol', error, limits, now));
    expect(changes.slice(0, 2), state.location).toEqual([undefined, undefined]);
    expect(changes[2], state.location).toMatchObject({ name: 'shop-carol', to: 'quarantined', reason: 'error score reached 3 (last: HTTP 503 from http://shop/api)' });
  }
});
