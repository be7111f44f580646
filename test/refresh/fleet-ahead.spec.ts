import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RedisStore } from '../../src/store/redis-store.js';
import { bundleScript } from '../helpers/bundle.js';
import { startRedis } from '../helpers/redis.js';
import { startRotatingOAuth, type RotatingOAuth } from '../helpers/rotating-oauth.js';

const run = promisify(execFile);
const WORKERS = 4;
/** Access tokens live 8 s; refreshed from 4 s before their expiry; the token endpoint takes 1.5 s. */
const LIFETIME_S = 8;
const MARGIN_S = 4;
const SLOW_MS = 1500;
/** Two expiry periods: the second shows a process refreshes again the login it produced or took up. */
const GRANTS = 2;

interface Summary {
  statuses: Record<string, number>;
  errors: Record<string, number>;
  logins: number;
  elsewhere: number;
  done: number;
}

test('issue 19: an access token nearing its expiry across 4 processes on Redis: one refresh grant per period, no request fails or waits for the slow token endpoint', async () => {
  test.setTimeout(120_000);
  const out = join(process.cwd(), 'test-results', `fleet-ahead-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const [redis, worker] = await Promise.all([
    startRedis(),
    bundleScript('test/helpers/load-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']),
  ]);
  const store = new RedisStore({ url: redis.url, keys: null });
  let server: RotatingOAuth | undefined;
  try {
    // The first token is issued now: it enters its margin 4 s from here, with every worker running.
    server = await startRotatingOAuth({ lifetimeS: LIFETIME_S, slowMs: SLOW_MS, stopAfterGrants: GRANTS, stopAfterMs: 1000 });
    await store.save('app', server.session('app'));
    const origin = server.origin;
    const outputs = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        run(process.execPath, [worker, redis.url, 'app', `${origin}/api?worker=${i}`, '0', '2', '60000', String(MARGIN_S), '20'], { timeout: 90_000 }),
      ),
    );
    const summaries = outputs.map((o) => JSON.parse(o.stdout) as Summary);
    const grants = server.grants();
    const served = server.served();
    test.info().annotations.push({
      type: 'measured',
      description: `${served.length} requests; grants ${JSON.stringify(grants)}; per process ${JSON.stringify(summaries.map((s) => [s.done, s.logins, s.elsewhere]))} (requests, logins, taken up)`,
    });
    // Zero requests failing, none refused: no process ever sent an expired token, nor reused a refresh token.
    for (const s of summaries) expect({ statuses: s.statuses, errors: s.errors }).toEqual({ statuses: { 200: s.done }, errors: {} });
    expect(server.reused()).toBe(0);
    expect(server.refused()).toBe(0);
    // Exactly one refresh grant per expiry period, by one process; the others took it up.
    expect(grants).toHaveLength(GRANTS);
    expect(summaries.reduce((n, s) => n + s.logins, 0)).toBe(GRANTS);
    expect((await store.load('app')).generation).toBe(GRANTS);
    // The second came when the first grant's token reached its margin, not at once.
    expect(grants[1]!.receivedAt - grants[0]!.answeredAt).toBeGreaterThanOrEqual((LIFETIME_S - MARGIN_S - 1) * 1000);
    const workers = Array.from({ length: WORKERS }, (_, i) => String(i));
    for (const [i, grant] of grants.entries()) {
      // While the token endpoint sat on the grant, every process (the refreshing one too) kept
      // being answered with the current token: none waited for the refresh or its lock.
      const during = served.filter((s) => s.at > grant.receivedAt + 200 && s.at < grant.answeredAt - 100);
      for (const w of workers) expect(during.filter((s) => s.worker === w).length, `worker ${w} during grant ${i + 1}`).toBeGreaterThan(0);
      expect(during.every((s) => s.token === i)).toBe(true);
      // And each went on with the new token once it was committed.
      for (const w of workers) expect(served.some((s) => s.worker === w && s.token === i + 1), `worker ${w} on token ${i + 1}`).toBe(true);
    }
  } finally {
    await store.close();
    await Promise.all([redis.stop(), server?.close()]);
    rmSync(out, { recursive: true, force: true });
  }
});
