import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { SessionjarError, isSessionjarError } from '../../src/core/errors.js';
import { summarize } from '../../src/pool/classify.js';
import { openPool, type PoolOptions } from '../../src/pool/pool.js';
import type { StateChange } from '../../src/pool/types.js';
import { FileStore } from '../../src/store/file-store.js';
import { accountSession, startPoolSite, type PoolSite } from '../helpers/pool-site.js';
import { tempDir } from '../helpers/temp-dir.js';

// Issue 20: several accounts of one site used in turn, each answer judged for the account that got it.

let site: PoolSite;
test.beforeAll(async () => {
  site = await startPoolSite();
});
test.afterAll(async () => {
  await site.close();
});
test.beforeEach(() => {
  site.seen.length = 0;
  for (const key of Object.keys(site.answer)) delete site.answer[key];
});

/** A store holding shop-alice, shop-bob, shop-carol (each its own `sid`), and a clock the test moves. */
async function shop(accounts = ['alice', 'bob', 'carol']) {
  const store = new FileStore({ dir: tempDir('sj-pool-'), keys: null });
  for (const account of accounts) await store.save(`shop-${account}`, accountSession(`shop-${account}`, account, site.origin));
  const clock = { t: Date.parse('2026-12-08T10:00:00Z') };
  const changes: StateChange[] = [];
  const open = (options: PoolOptions = {}) => openPool('shop', { store, now: () => clock.t, onState: (c) => changes.push(c), refresh: { interactive: false }, ...options });
  return { store, clock, changes, open };
}

async function send(pool: Awaited<ReturnType<typeof openPool>>, times: number, session?: string): Promise<string[]> {
  const used: string[] = [];
  for (let i = 0; i < times; i++) {
    const res = await pool.request(`${site.origin}/api`, session === undefined ? {} : { session });
    await res.body.dump();
    used.push(res.session);
  }
  return used;
}

test('three sessions round-robin: the server sees each account in turn', async () => {
  const { open } = await shop();
  const pool = await open();
  try {
    expect(pool.names).toEqual(['shop-alice', 'shop-bob', 'shop-carol']);
    expect(await send(pool, 6)).toEqual(['shop-alice', 'shop-bob', 'shop-carol', 'shop-alice', 'shop-bob', 'shop-carol']);
    expect(site.seen).toEqual(['alice', 'bob', 'carol', 'alice', 'bob', 'carol']);
  } finally {
    await pool.close();
  }
});

test('an account answering 403 is quarantined, skipped until its cool-down ends, then used again', async () => {
  const { open, clock, changes } = await shop();
  const pool = await open({ quarantineMs: 30_000 });
  const heard: string[] = [];
  pool.on('state', (c) => heard.push(`${c.name} ${c.to}`));
  try {
    site.answer.bob = 'blocked';
    await send(pool, 2);
    expect(heard).toEqual(['shop-bob quarantined']);
    expect(changes).toEqual([{ name: 'shop-bob', from: 'ready', to: 'quarantined', reason: `HTTP 403 from ${site.origin}/api`, until: clock.t + 30_000, at: clock.t, remote: false }]);
    site.answer.bob = 'ok';
    site.seen.length = 0;
    clock.t += 29_999;
    await send(pool, 4);
    expect(site.seen).toEqual(['carol', 'alice', 'carol', 'alice']);
    clock.t += 1;
    await send(pool, 3);
    expect(site.seen.slice(4)).toEqual(['bob', 'carol', 'alice']);
    expect(changes.at(-1)).toMatchObject({ name: 'shop-bob', from: 'quarantined', to: 'ready', reason: 'quarantine over' });
  } finally {
    await pool.close();
  }
});

test('a captcha page (blockedBody) quarantines too; when none is ready, POOL_EXHAUSTED names the soonest back', async () => {
  const { open, clock } = await shop(['alice', 'bob']);
  const pool = await open({ quarantineMs: 60_000, blockedBody: /prove you are human/i });
  try {
    site.answer.alice = 'captcha';
    const first = await pool.request(`${site.origin}/api`);
    expect(await first.body.text()).toContain('Prove you are human');
    clock.t += 10_000;
    site.answer.bob = 'blocked';
    await send(pool, 1);
    const error = await pool.request(`${site.origin}/api`).catch((e: unknown) => e);
    expect(isSessionjarError(error, 'POOL_EXHAUSTED')).toBe(true);
    const back = new Date(Date.parse('2026-12-08T10:01:00Z')).toISOString();
    expect((error as Error).message).toBe(
      [
        'no account of pool "shop" is ready:',
        `  - shop-alice: quarantined until ${back} (in 50 s): the page from ${site.origin}/api matches /prove you are human/i`,
        `  - shop-bob: quarantined until 2026-12-08T10:01:10.000Z (in 60 s): HTTP 403 from ${site.origin}/api`,
        `The soonest back is shop-alice, at ${back}.`,
      ].join('\n'),
    );
  } finally {
    await pool.close();
  }
});

test('use-until-failure keeps one account until an answer counts against it, then moves to the next', async () => {
  const { open } = await shop();
  const pool = await open({ pick: 'use-until-failure' });
  try {
    expect(await send(pool, 3)).toEqual(['shop-alice', 'shop-alice', 'shop-alice']);
    site.answer.alice = 'rate-limited';
    expect(await send(pool, 4)).toEqual(['shop-alice', 'shop-bob', 'shop-bob', 'shop-bob']);
  } finally {
    await pool.close();
  }
});

test('use-until-failure leaves its account after a 5xx too (it counts against it), not only when the account is out', async () => {
  const { open } = await shop();
  const pool = await open({ pick: 'use-until-failure', retries: 0 });
  try {
    expect(await send(pool, 2)).toEqual(['shop-alice', 'shop-alice']);
    site.answer.alice = 'error';
    site.answer.bob = 'error';
    // alice's 503 leaves her ready (score 1 of 3), yet the next request goes to bob, then carol.
    expect(await send(pool, 4)).toEqual(['shop-alice', 'shop-bob', 'shop-carol', 'shop-carol']);
  } finally {
    await pool.close();
  }
});

test('429 with Retry-After: 2 cools the account down for 2 s, with no penalty', async () => {
  const { open, clock, changes } = await shop(['alice', 'carol']);
  const pool = await open();
  try {
    site.answer.carol = 'rate-limited';
    const used = await send(pool, 2);
    expect(used).toEqual(['shop-alice', 'shop-carol']);
    // The client did not wait out the Retry-After itself: the pool goes on with another account.
    expect(site.seen).toEqual(['alice', 'carol']);
    expect(changes).toEqual([{ name: 'shop-carol', from: 'ready', to: 'cooling', reason: `HTTP 429 from ${site.origin}/api (Retry-After 2 s)`, until: clock.t + 2000, at: clock.t, remote: false }]);
    site.answer.carol = 'ok';
    clock.t += 1999;
    expect(await send(pool, 2)).toEqual(['shop-alice', 'shop-alice']);
    clock.t += 1;
    expect(await send(pool, 1)).toEqual(['shop-carol']);
    const { members } = await pool.state.get();
    expect(members['shop-carol']).toMatchObject({ status: 'ready', errorScore: 0, refreshFailures: 0 });
  } finally {
    await pool.close();
  }
});

test('a 429 or a 403 comes back to the caller as it came; only the next request goes to another account', async () => {
  const { open } = await shop(['alice', 'bob', 'carol']);
  const pool = await open();
  try {
    site.answer.alice = 'rate-limited';
    site.answer.bob = 'blocked';
    const limited = await pool.request(`${site.origin}/api`);
    await limited.body.dump();
    expect([limited.session, limited.status]).toEqual(['shop-alice', 429]);
    const blocked = await pool.request(`${site.origin}/api`);
    await blocked.body.dump();
    expect([blocked.session, blocked.status]).toEqual(['shop-bob', 403]);
    expect(site.seen).toEqual(['alice', 'bob']);
    expect(await send(pool, 2)).toEqual(['shop-carol', 'shop-carol']);
  } finally {
    await pool.close();
  }
});

test('network errors and 5xx add to a decaying error score; at the limit the account is quarantined', async () => {
  const { open, clock, changes } = await shop(['alice', 'bob']);
  const pool = await open({ maxErrorScore: 2, errorHalfLifeMs: 10_000, retries: 0 });
  try {
    site.answer.bob = 'error';
    await send(pool, 1, 'shop-bob');
    // Two errors 20 s apart: the first has decayed to a quarter, under the limit.
    clock.t += 20_000;
    await send(pool, 1, 'shop-bob');
    expect(changes).toEqual([]);
    expect((await pool.state.get()).members['shop-bob']?.errorScore).toBeCloseTo(1.25, 5);
    await send(pool, 1, 'shop-bob');
    expect(changes).toEqual([expect.objectContaining({ name: 'shop-bob', to: 'quarantined', reason: `error score reached 2 (last: HTTP 503 from ${site.origin}/api)` })]);
  } finally {
    await pool.close();
  }
});

test('three 5xx a second apart reach the default error score of 3: quarantined at the third', async () => {
  const { open, clock, changes } = await shop(['alice', 'bob']);
  const pool = await open({ retries: 0 });
  try {
    site.answer.bob = 'error';
    for (let i = 0; i < 3; i++) {
      await send(pool, 1, 'shop-bob');
      clock.t += 1000;
    }
    expect(changes).toEqual([expect.objectContaining({ name: 'shop-bob', from: 'ready', to: 'quarantined', reason: `error score reached 3 (last: HTTP 503 from ${site.origin}/api)` })]);
  } finally {
    await pool.close();
  }
});

test('an account whose refresh keeps failing is retired, reported, and never used again', async () => {
  const { open, changes } = await shop(['alice', 'dave']);
  const pool = await open({ maxRefreshFailures: 2 });
  try {
    site.answer.dave = 'logged-out';
    for (let i = 0; i < 2; i++) {
      const error = await pool.request(`${site.origin}/api`, { session: 'shop-dave' }).catch((e: unknown) => e);
      expect(isSessionjarError(error, 'REFRESH_FAILED') || isSessionjarError(error, 'SESSION_EXPIRED'), String(error)).toBe(true);
    }
    expect(changes).toEqual([expect.objectContaining({ name: 'shop-dave', from: 'ready', to: 'retired' })]);
    const reason = changes[0]?.reason as string;
    expect(reason).toMatch(/^refresh failed 2 times in a row \(last: (REFRESH_FAILED|SESSION_EXPIRED): session "shop-dave" /);
    // Why, on one line: each strategy's reason, not just the line that introduces them.
    expect(reason).toContain('here: OAuth refresh token: ');
    expect(reason).toContain('; interactive login (a person, in a browser window): ');
    expect(reason).not.toContain('\n');
    expect(reason).not.toContain('Run `sessionjar');
    site.seen.length = 0;
    expect(await send(pool, 3)).toEqual(['shop-alice', 'shop-alice', 'shop-alice']);
    const error = await pool.request(`${site.origin}/api`, { session: 'shop-dave' }).catch((e: unknown) => e);
    expect(isSessionjarError(error, 'POOL_EXHAUSTED')).toBe(true);
    expect((error as Error).message).toMatch(/^session "shop-dave" of pool "shop" is not ready:\n {2}- shop-dave: retired: refresh failed 2 times/);
  } finally {
    await pool.close();
  }
});

test('an error kept as a reason is one line: its code, its list joined, credentials scrubbed, bounded', () => {
  const list = Array.from({ length: 40 }, (_, i) => `  - strategy ${i}: failed: HTTP 500`).join('\n');
  const error = new SessionjarError('REFRESH_FAILED', `refresh of session "x" failed:\n  - token: failed: POST https://idp.example/token?access_token=gho_4f2a9c1e7b answered 400\n${list}\nRun it again.`);
  const reason = summarize(error);
  expect(reason.startsWith('REFRESH_FAILED: refresh of session "x" failed: token: failed: POST https://idp.example/token?access_token=[redacted')).toBe(true);
  expect(reason).not.toContain('gho_4f2a9c1e7b');
  expect(reason).toContain('; strategy 0: failed: HTTP 500; strategy 1: ');
  expect(reason).toHaveLength(600);
  expect(reason.endsWith('…')).toBe(true);
  expect(summarize(new SessionjarError('NETWORK_ERROR', 'connection refused by 127.0.0.1:9\nCheck the server.'))).toBe('NETWORK_ERROR: connection refused by 127.0.0.1:9');
});

test('a pinned request always uses its session, and leaves the rotation of the others as it was', async () => {
  const { open } = await shop();
  const pool = await open();
  try {
    expect(await send(pool, 4, 'shop-bob')).toEqual(['shop-bob', 'shop-bob', 'shop-bob', 'shop-bob']);
    expect(site.seen).toEqual(['bob', 'bob', 'bob', 'bob']);
    expect(await send(pool, 2)).toEqual(['shop-alice', 'shop-bob']);
    const error = await pool.request(`${site.origin}/api`, { session: 'shop-zoe' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('session "shop-zoe" is not in pool "shop" (shop-alice, shop-bob, shop-carol).');
  } finally {
    await pool.close();
  }
});

test('the state lives next to the sessions, 0600, and a second pool (another process would do the same) picks up from it', async () => {
  const { open, store } = await shop();
  const first = await open({ pick: 'least-recently-used' });
  await send(first, 2);
  await first.close();
  expect(statSync(`${store.dir}/.pools/shop.json`).mode & 0o777).toBe(0o600);
  expect(statSync(`${store.dir}/.pools`).mode & 0o777).toBe(0o700);
  const second = await open({ pick: 'least-recently-used' });
  try {
    expect(await send(second, 3)).toEqual(['shop-carol', 'shop-alice', 'shop-bob']);
  } finally {
    await second.close();
  }
});

test('a state file sessionjar did not write is refused with the way out, and left as it is', async () => {
  const { open, store } = await shop(['alice']);
  mkdirSync(`${store.dir}/.pools`, { recursive: true });
  writeFileSync(`${store.dir}/.pools/shop.json`, '{"members": "oops"}');
  const pool = await open();
  try {
    const error = await pool.request(`${site.origin}/api`).catch((e: unknown) => e);
    expect(isSessionjarError(error, 'INPUT_INVALID')).toBe(true);
    expect((error as Error).message).toBe(`the pool state ${pool.state.location} is not a pool state file sessionjar wrote; delete it to start the pool afresh (every account ready).`);
    expect(readFileSync(`${store.dir}/.pools/shop.json`, 'utf8')).toBe('{"members": "oops"}');
    expect(site.seen).toEqual([]);
  } finally {
    await pool.close();
  }
});
