import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isSessionjarError } from '../../src/core/errors.js';
import type { DemoSite, DemoSiteOptions } from '../../src/demo/site.js';
import { createRefresher, refreshSession } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { sessionExpiry } from '../../src/session/expiry.js';
import type { FileStore } from '../../src/store/file-store.js';
import { bundleScript } from '../helpers/bundle.js';
import { closeDemoWorkspace, demoWorkspace, launches, recordDemo, startDemo } from '../helpers/demo-sessions.js';

let site: DemoSite;
let dir: string;
let store: FileStore;
let env: NodeJS.ProcessEnv;
let launchLog: string;

test.beforeEach(async () => {
  ({ dir, store, launchLog } = await demoWorkspace('sj-refresh-recipe-'));
});
test.afterEach(() => closeDemoWorkspace(site, dir));

async function start(options: DemoSiteOptions = {}): Promise<void> {
  ({ site, env } = await startDemo(launchLog, options));
}

/** Waits until the session's own clock says expired (bounded). */
async function untilExpired(name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (sessionExpiry(await store.load(name), { marginSeconds: 0 }).state !== 'expired') {
    if (Date.now() > deadline) throw new Error(`${name} did not expire within 15 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a recipe refresh logs in again headless, confirmed by the probe', async () => {
  await start();
  await recordDemo(site, 'form', store, 'form', env);
  site.expireSessions();
  const launchesBefore = await launches(launchLog);
  const result = await refreshSession({ store, name: 'form', env, interactive: false });
  expect(result.strategy).toBe('recipe');
  expect(result.probe).toMatchObject({ ok: true, status: 200, url: `${site.form}/api/me` });
  expect(result.outcomes.map((o) => `${o.strategy} ${o.outcome}`)).toEqual(['oauth skipped', 'silent-sso skipped', 'recipe ok']);
  expect(await launches(launchLog)).toBe(launchesBefore + 1);
  expect(site.stats.logins.form).toBe(2);
  const client = await openSession('form', { store, readOnly: true });
  expect((await client.request(`${site.form}/api/me`)).status).toBe(200);
  await client.close();
});

test('50 concurrent requests on an expired session: exactly one login, all succeed', async () => {
  await start({ sessionTtlSeconds: 4 });
  await recordDemo(site, 'form', store, 'form', env);
  await untilExpired('form');
  const launchesBefore = await launches(launchLog);
  const client = await openSession('form', { store, refresher: createRefresher({ store, name: 'form', env, interactive: false }) });
  try {
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await client.request(`${site.form}/api/me`);
        await res.body.dump();
        return res.status;
      }),
    );
    expect(statuses).toEqual(Array(50).fill(200));
  } finally {
    await client.close();
  }
  expect(await launches(launchLog)).toBe(launchesBefore + 1);
  expect(site.stats.logins.form).toBe(2);
});

test('3 processes at once on an expired session: one login, all three succeed', async () => {
  await start({ sessionTtlSeconds: 4 });
  await recordDemo(site, 'form', store, 'form', env);
  await untilExpired('form');
  const launchesBefore = await launches(launchLog);
  // Playwright stays external (bundled, it breaks), so the bundle lives where node_modules resolves.
  const worker = await bundleScript('test/helpers/refresh-worker.ts', join('node_modules', '.cache', 'sessionjar-tests', `refresh-worker-${process.pid}.mjs`), ['playwright-core', '@redis/client']);
  const run = () =>
    new Promise<string>((done) => {
      execFile(process.execPath, [worker, dir, 'form', `${site.form}/api/me`], { env, timeout: 60_000 }, (_error, stdout, stderr) => done(`${stdout}${stderr}`.trim()));
    });
  const outputs = await Promise.all([run(), run(), run()]).finally(() => rm(worker, { force: true }));
  expect(outputs.map((o) => o.split(' ')[0])).toEqual(['status=200', 'status=200', 'status=200']);
  expect(outputs.filter((o) => o.endsWith('refreshed=recipe'))).toHaveLength(1);
  expect(outputs.filter((o) => o.endsWith('refreshed=elsewhere'))).toHaveLength(2);
  expect(await launches(launchLog)).toBe(launchesBefore + 1);
  expect(site.stats.logins.form).toBe(2);
});

test('a redirect to the login page is detected as logged out, refreshed, and the request retried', async () => {
  await start();
  await recordDemo(site, 'form', store, 'form', env);
  site.expireSessions();
  const events: string[] = [];
  const client = await openSession('form', {
    store,
    refresher: createRefresher({ store, name: 'form', env, interactive: false }),
    onEvent: (e) => e.type === 'refresh' && events.push(`${e.reason} ${e.url}`),
  });
  try {
    const res = await client.request(`${site.form}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${site.form}/`);
    expect(await res.body.text()).toContain('Signed in as');
  } finally {
    await client.close();
  }
  expect(events).toEqual([`logged-out ${site.form}/login`]);
  expect(site.stats.logins.form).toBe(2);
});

test('a refresh that fails leaves the file byte-for-byte unchanged, releases the lock, and says why', async () => {
  await start();
  await recordDemo(site, 'form', store, 'form', env);
  site.expireSessions();
  const file = join(dir, 'form.json');
  const before = await readFile(file);
  const wrong = 'wrong-password-42';
  const error = await refreshSession({ store, name: 'form', env: { ...env, DEMO_PASSWORD: wrong }, interactive: false, timeoutMs: 4000 }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'REFRESH_FAILED')).toBe(true);
  const message = (error as Error).message;
  expect(message).toContain(`refresh of session "form" failed; ${file} was left unchanged:\n`);
  expect(message).toContain('  - OAuth refresh token: not applicable: the recording saw no refresh token and token endpoint\n');
  expect(message).toContain('  - recorded recipe (headless browser): failed: LOGIN_FAILED: login failed: login.steps: steps[3] (click button[type=submit]): the login form came back after submitting (the page answered 401)');
  expect(message).toContain(`Run \`sessionjar refresh form\` in a terminal with a display to log in by hand, or record it again: \`sessionjar record form --url ${site.form}/login --force\`.`);
  expect(message).not.toContain(wrong);
  expect(Buffer.compare(await readFile(file), before)).toBe(0);
  expect(existsSync(`${file}.refresh.lock`)).toBe(false);
  // The lock is free: a second attempt takes it at once.
  const again = await refreshSession({ store, name: 'form', env, interactive: false });
  expect(again.strategy).toBe('recipe');
});
