import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPool, type PoolOptions } from '../../src/pool/pool.js';
import type { StateChange } from '../../src/pool/types.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { bundleScript, runWorker } from '../helpers/bundle.js';
import { runCli } from '../helpers/cli.js';
import { accountSession, startPoolSite, type PoolSite } from '../helpers/pool-site.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp-dir.js';

// Issue 20 for a fleet: a pool whose sessions are in Redis keeps its state there, shared by every
// process (real processes here: the bundled pool worker and the CLI), with other processes' state
// changes heard as events.

let site: PoolSite;
let redis: RedisServer;
let store: RedisStore;
test.beforeAll(async () => {
  site = await startPoolSite();
  redis = await startRedis();
  store = new RedisStore({ url: redis.url, keys: null });
});
test.afterAll(async () => {
  await store.close();
  await redis.stop();
  await site.close();
});
test.beforeEach(async () => {
  site.seen.length = 0;
  for (const key of Object.keys(site.answer)) delete site.answer[key];
  site.retryAfter = '2';
  await (await store.connection()).sendCommand(['FLUSHDB']);
});

async function shop(accounts: string[]): Promise<void> {
  for (const account of accounts) await store.save(`shop-${account}`, accountSession(`shop-${account}`, account, site.origin));
}

/** A pool in this process over the same Redis, its state changes (its own and the others') collected. */
async function poolHere(options: PoolOptions = {}) {
  const changes: StateChange[] = [];
  const clock = { t: Date.now() };
  const pool = await openPool('shop', { store, now: () => clock.t, onState: (c) => changes.push(c), refresh: { interactive: false }, ...options });
  const send = async (times: number): Promise<string[]> => {
    const used: string[] = [];
    for (let i = 0; i < times; i++) {
      const res = await pool.request(`${site.origin}/api`);
      await res.body.dump();
      used.push(res.session);
    }
    return used;
  };
  return { pool, changes, clock, send };
}

/** `sessionjar --store <redis> request --pool shop <url>` in its own process. */
function cliRequest(): ReturnType<typeof runCli> {
  return runCli(tempDir('sj-pool-redis-cwd-'), ['--store', redis.url, 'request', '--pool', 'shop', `${site.origin}/api`]);
}

test('least-recently-used across two processes sharing Redis: no account is used twice while another waits', async () => {
  test.setTimeout(60_000);
  await shop(['alice', 'bob', 'carol']);
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const out = join(process.cwd(), 'test-results', `pool-redis-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const worker = await bundleScript('test/helpers/pool-worker.ts', join(out, 'pool-worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
  const url = `${site.origin}/api`;
  // 7 + 8 uses: shared, 5 each; each process on its own would give 3+3, 2+3, 2+2.
  const [one, two] = await Promise.all([runWorker(worker, [redis.url, 'shop', 'least-recently-used', '7', url]), runWorker(worker, [redis.url, 'shop', 'least-recently-used', '8', url])]);
  expect(one).toHaveLength(7);
  expect(two).toHaveLength(8);
  const counts = (list: string[]) => Object.fromEntries(['alice', 'bob', 'carol'].map((a) => [a, list.filter((s) => s === a).length]));
  expect(counts(site.seen)).toEqual({ alice: 5, bob: 5, carol: 5 });
  // Every take, whichever process made it, went to the least recently used: in the order of the
  // fleet's use counter the accounts cycle, so none came round again before the other two.
  const pool = await openPool('shop', { store });
  const { members, seq } = await pool.state.get();
  await pool.close();
  expect(pool.state.location).toBe(`${store.where} sessionjar:pool:{shop}`);
  expect(seq).toBe(15);
  expect(Object.values(members).map((m) => m.lastSeq).sort((a, b) => a - b)).toEqual([13, 14, 15]);
  expect(Object.values(members).map((m) => m.uses)).toEqual([5, 5, 5]);
});

test("a 403 quarantine made by another process is heard as an event and honoured here", async () => {
  await shop(['alice', 'bob', 'carol']);
  const { pool, changes, send } = await poolHere();
  try {
    site.answer.bob = 'blocked';
    const runs = [await cliRequest(), await cliRequest()];
    expect(runs.map((r) => [r.status, r.stdout])).toEqual([[0, '{"account":"alice"}'], [0, '{"account":"bob"}']]);
    expect(runs[1]?.stderr).toContain('shop-bob ready → quarantined');
    await expect.poll(() => changes.length, { timeout: 5_000 }).toBe(1);
    expect(changes[0]).toMatchObject({ name: 'shop-bob', from: 'ready', to: 'quarantined', reason: `HTTP 403 from ${site.origin}/api`, remote: true });
    site.answer.bob = 'ok';
    site.seen.length = 0;
    // The round-robin cursor is the fleet's too: the next after bob is carol.
    expect(await send(4)).toEqual(['shop-carol', 'shop-alice', 'shop-carol', 'shop-alice']);
    expect(site.seen).toEqual(['carol', 'alice', 'carol', 'alice']);
  } finally {
    await pool.close();
  }
});

test('a 429 Retry-After cool-down made by another process holds here until its time, with no penalty', async () => {
  await shop(['alice', 'bob', 'carol']);
  const { pool, changes, clock, send } = await poolHere();
  try {
    site.answer.carol = 'rate-limited';
    for (let i = 0; i < 3; i++) expect((await cliRequest()).status).toBe(0);
    await expect.poll(() => changes.length, { timeout: 5_000 }).toBe(1);
    const cooled = changes[0] as StateChange;
    expect(cooled).toMatchObject({ name: 'shop-carol', to: 'cooling', reason: `HTTP 429 from ${site.origin}/api (Retry-After 2 s)`, remote: true });
    expect((cooled.until as number) - cooled.at).toBe(2000);
    site.answer.carol = 'ok';
    clock.t = (cooled.until as number) - 1;
    expect(await send(3)).toEqual(['shop-alice', 'shop-bob', 'shop-alice']);
    clock.t += 1;
    expect(await send(2)).toEqual(['shop-bob', 'shop-carol']);
    expect(changes.at(-1)).toMatchObject({ name: 'shop-carol', from: 'cooling', to: 'ready', reason: 'cool-down over' });
    expect(changes.at(-1)?.remote).toBe(false);
    const { members } = await pool.state.get();
    expect(members['shop-carol']).toMatchObject({ status: 'ready', errorScore: 0, refreshFailures: 0 });
  } finally {
    await pool.close();
  }
});

test('sessionjar pool status --store redis://… shows each state with its reason', async () => {
  await shop(['alice', 'bob', 'carol', 'dave']);
  site.answer.bob = 'blocked';
  site.answer.carol = 'rate-limited';
  site.retryAfter = '3600';
  site.answer.dave = 'logged-out';
  const pool = await openPool('shop', { store, maxRefreshFailures: 1, refresh: { interactive: false } });
  for (const session of ['shop-alice', 'shop-bob', 'shop-carol']) await (await pool.request(`${site.origin}/api`, { session })).body.dump();
  await pool.request(`${site.origin}/api`, { session: 'shop-dave' }).catch(() => undefined);
  await pool.close();

  const cwd = tempDir('sj-pool-redis-cwd-');
  const text = await runCli(cwd, ['--store', redis.url, 'pool', 'status', 'shop']);
  expect(text.status, text.stderr).toBe(0);
  const lines = text.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe(`pool shop (${store.where} sessionjar:pool:{shop})`);
  expect(lines[1]).toBe('shop-alice  ready');
  expect(lines[2]).toMatch(new RegExp(`^shop-bob    quarantined until \\S+Z \\(in (599|600) s\\): HTTP 403 from ${site.origin}/api$`));
  expect(lines[3]).toMatch(new RegExp(`^shop-carol  cooling until \\S+Z \\(in (3599|3600) s\\): HTTP 429 from ${site.origin}/api \\(Retry-After 3600 s\\)$`));
  expect(lines[4]).toMatch(/^shop-dave {3}retired: refresh failed 1 time in a row \(last: (REFRESH_FAILED|SESSION_EXPIRED): /);

  const reset = await runCli(cwd, ['--store', redis.url, 'pool', 'reset', 'shop', 'shop-dave']);
  expect(reset).toMatchObject({ status: 0, stdout: 'shop-dave: retired → ready\n' });
  expect((await runCli(cwd, ['--store', redis.url, 'pool', 'status', 'shop'])).stdout).toContain('shop-dave   ready: reset by hand');
});

test('pool status on a Redis with no such accounts names the Redis, not a folder cut from its URL', async () => {
  const none = await runCli(tempDir('sj-pool-redis-cwd-'), ['--store', redis.url, 'pool', 'status', 'nopool']);
  expect(none.status).toBe(3);
  expect(none.stderr).toContain(`pool "nopool": no session named nopool-… in Redis at ${redis.url}; record or import the accounts as nopool-<account>`);
});
