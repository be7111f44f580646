import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPool } from '../../src/pool/pool.js';
import { FileStore } from '../../src/store/file-store.js';
import { bundleScript, runWorker } from '../helpers/bundle.js';
import { runCli } from '../helpers/cli.js';
import { accountSession, startPoolSite, type PoolSite } from '../helpers/pool-site.js';
import { tempDir } from '../helpers/temp-dir.js';

// Issue 20 with real processes: pools whose state several processes on one machine share.

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
  site.retryAfter = '2';
});

async function shop(accounts: string[]): Promise<{ dir: string; store: FileStore }> {
  const dir = tempDir('sj-pool-cli-');
  const store = new FileStore({ dir, keys: null });
  for (const account of accounts) await store.save(`shop-${account}`, accountSession(`shop-${account}`, account, site.origin));
  return { dir, store };
}

test('least-recently-used across two processes sharing the state: no account is used twice while another waits', async () => {
  test.setTimeout(60_000);
  const { dir } = await shop(['alice', 'bob', 'carol']);
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const out = join(process.cwd(), 'test-results', `pool-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const worker = await bundleScript('test/helpers/pool-worker.ts', join(out, 'pool-worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
  const url = `${site.origin}/api`;
  // 7 + 8 uses: shared, 5 each; each process on its own would give 3+3, 2+3, 2+2.
  const [one, two] = await Promise.all([runWorker(worker, [dir, 'shop', 'least-recently-used', '7', url]), runWorker(worker, [dir, 'shop', 'least-recently-used', '8', url])]);
  expect(one).toHaveLength(7);
  expect(two).toHaveLength(8);
  const counts = (list: string[]) => Object.fromEntries(['alice', 'bob', 'carol'].map((a) => [a, list.filter((s) => s === a).length]));
  expect(counts(site.seen)).toEqual({ alice: 5, bob: 5, carol: 5 });
  // The shared use counter orders every take: taken in order, the accounts cycle.
  const store = new FileStore({ dir, keys: null });
  const pool = await openPool('shop', { store });
  const { members, seq } = await pool.state.get();
  await pool.close();
  expect(seq).toBe(15);
  expect(Object.values(members).map((m) => m.lastSeq).sort()).toEqual([13, 14, 15]);
});

test('request --pool: each CLI process takes the next account; a 403 is reported and skipped; none ready exits 18', async () => {
  const { dir } = await shop(['alice', 'bob', 'carol']);
  const url = `${site.origin}/api`;
  site.answer.bob = 'blocked';
  const runs = [];
  for (let i = 0; i < 4; i++) runs.push(await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop', url]));
  expect(runs.map((r) => r.status)).toEqual([0, 0, 0, 0]);
  expect(runs.map((r) => r.stdout)).toEqual(['{"account":"alice"}', '{"account":"bob"}', '{"account":"carol"}', '{"account":"alice"}']);
  expect(runs[1]?.stderr).toMatch(new RegExp(`^sessionjar: pool shop: shop-bob ready → quarantined until \\S+Z \\(HTTP 403 from ${url}\\)\\n$`));
  expect(site.seen).toEqual(['alice', 'bob', 'carol', 'alice']);

  site.answer.alice = 'blocked';
  site.answer.carol = 'blocked';
  await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop', url]);
  await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop', url]);
  const none = await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop', url]);
  expect(none.status).toBe(18);
  expect(none.stderr).toMatch(/^sessionjar: error \[POOL_EXHAUSTED\]: no account of pool "shop" is ready:\n {2}- shop-alice: quarantined until/);
  expect(none.stderr).toContain('The soonest back is shop-bob, at ');

  const both = await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop', 'shop-alice', url]);
  expect(both).toMatchObject({ status: 2, stdout: '' });
  expect(both.stderr).toContain('--pool shop picks the session: give only the URL');
});

test('request --pool without its URL is a usage error that asks for the URL (there is no session name to give)', async () => {
  const dir = tempDir('sj-pool-cli-');
  const missing = await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop']);
  expect(missing).toMatchObject({ status: 2, stdout: '' });
  expect(missing.stderr).toBe(
    'sessionjar: error [USAGE]: missing the URL: --pool shop picks the session, give the URL to send to, as in `sessionjar request --pool shop https://shop.example/api/orders`.\n',
  );
  const bare = await runCli(dir, ['--dir', dir, 'request']);
  expect(bare).toMatchObject({ status: 2, stdout: '' });
  expect(bare.stderr).toContain("missing required argument 'name': give the session name and the URL");
});

test('sessionjar pool status shows each account with its state, reason and until-when; --json too', async () => {
  const { dir, store } = await shop(['alice', 'bob', 'carol', 'dave']);
  site.answer.bob = 'blocked';
  site.answer.carol = 'rate-limited';
  site.retryAfter = '3600';
  site.answer.dave = 'logged-out';
  const pool = await openPool('shop', { store, maxRefreshFailures: 1, refresh: { interactive: false } });
  for (const session of ['shop-alice', 'shop-bob', 'shop-carol']) await (await pool.request(`${site.origin}/api`, { session })).body.dump();
  await pool.request(`${site.origin}/api`, { session: 'shop-dave' }).catch(() => undefined);
  await pool.close();

  const text = await runCli(dir, ['--dir', dir, 'pool', 'status', 'shop']);
  expect(text.status, text.stderr).toBe(0);
  const lines = text.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe('pool shop (.pools/shop.json)');
  expect(lines[1]).toBe('shop-alice  ready');
  expect(lines[2]).toMatch(new RegExp(`^shop-bob    quarantined until \\S+Z \\(in (599|600) s\\): HTTP 403 from ${site.origin}/api$`));
  expect(lines[3]).toMatch(new RegExp(`^shop-carol  cooling until \\S+Z \\(in (3599|3600) s\\): HTTP 429 from ${site.origin}/api \\(Retry-After 3600 s\\)$`));
  expect(lines[4]).toMatch(/^shop-dave {3}retired: refresh failed 1 time in a row \(last: (REFRESH_FAILED|SESSION_EXPIRED): /);

  const json = await runCli(dir, ['--dir', dir, 'pool', 'status', 'shop', '--json']);
  const status = JSON.parse(json.stdout) as { pool: string; members: { name: string; status: string; reason?: string; until?: string }[] };
  expect(status.pool).toBe('shop');
  expect(status.members.map((m) => [m.name, m.status])).toEqual([['shop-alice', 'ready'], ['shop-bob', 'quarantined'], ['shop-carol', 'cooling'], ['shop-dave', 'retired']]);
  expect(status.members[1]).toMatchObject({ reason: `HTTP 403 from ${site.origin}/api`, until: expect.stringMatching(/Z$/) });

  const reset = await runCli(dir, ['--dir', dir, 'pool', 'reset', 'shop', 'shop-dave']);
  expect(reset).toMatchObject({ status: 0, stdout: 'shop-dave: retired → ready\n' });
  expect((await runCli(dir, ['--dir', dir, 'pool', 'status', 'shop'])).stdout).toContain('shop-dave   ready: reset by hand');
  const unknown = await runCli(dir, ['--dir', dir, 'pool', 'status', 'nope']);
  expect(unknown.status).toBe(3);
  expect(unknown.stderr).toContain('pool "nope": no session named nope-…');
});

test('request --pool --pick until-failure --blocked-status 451 --blocked-body /…/i: the pool picks and judges as told; bad values exit 2', async () => {
  const { dir } = await shop(['alice', 'bob', 'carol']);
  const url = `${site.origin}/api`;
  site.answer.alice = 'captcha';
  // A 403 is no block when --blocked-status says 451: bob keeps being used.
  site.answer.bob = 'blocked';
  const args = ['--dir', dir, 'request', '--pool', 'shop', '--pick', 'until-failure', '--blocked-status', '451', '--blocked-body', '/prove you are human/i', url];
  const runs = [];
  for (let i = 0; i < 4; i++) runs.push(await runCli(dir, args));
  expect(runs.map((r) => r.status)).toEqual([0, 0, 0, 0]);
  expect(site.seen).toEqual(['alice', 'bob', 'bob', 'bob']);
  expect(runs[0]?.stderr).toMatch(new RegExp(`^sessionjar: pool shop: shop-alice ready → quarantined until \\S+Z \\(the page from ${url} matches /prove you are human/i\\)\\n$`));
  expect(runs.slice(1).map((r) => r.stderr)).toEqual(['', '', '']);

  const bad = await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop', '--pick', 'fastest', url]);
  expect(bad).toMatchObject({ status: 2, stdout: '' });
  expect(bad.stderr).toContain('--pick: "fastest" is not a pick strategy; give round-robin, lru or until-failure.');
  const noPool = await runCli(dir, ['--dir', dir, 'request', 'shop-alice', url, '--blocked-status', '403']);
  expect(noPool.status).toBe(2);
  expect(noPool.stderr).toContain('--pick, --blocked-status and --blocked-body are for --pool');
  const status = await runCli(dir, ['--dir', dir, 'request', '--pool', 'shop', '--blocked-status', '4031', url]);
  expect(status.stderr).toContain('--blocked-status: "4031" is not an HTTP status');
});
