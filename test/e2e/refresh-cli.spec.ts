import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { DemoSite } from '../../src/demo/site.js';
import type { FileStore } from '../../src/store/file-store.js';
import { closeDemoWorkspace, demoWorkspace, launches, recordDemo, startDemo } from '../helpers/demo-sessions.js';

// The real binary (npm run build first).
const CLI = resolve('dist/cli.js');

let site: DemoSite;
let dir: string;
let store: FileStore;
let env: NodeJS.ProcessEnv;
let launchLog: string;

test.beforeEach(async () => {
  ({ dir, store, launchLog } = await demoWorkspace('sj-refresh-cli-'));
  ({ site, env } = await startDemo(launchLog));
  env.SESSIONJAR_DIR = dir;
});
test.afterEach(() => closeDemoWorkspace(site, dir));

function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

test('sessionjar refresh -v says which strategy was tried and which worked', async () => {
  await recordDemo(site, 'form', store, 'form', env);
  site.expireSessions();
  const { status, stdout, stderr } = await cli(['refresh', 'form', '-v']);
  expect(status).toBe(0);
  expect(stdout).toMatch(/^form: refreshed by recorded recipe \(headless browser\); valid, expires \S+ \(in .+\), from cookie "sid" \(127\.0\.0\.1\)\n$/);
  expect(stderr).toContain('sessionjar: OAuth refresh token: not applicable (the recording saw no refresh token and token endpoint)\n');
  expect(stderr).toContain('sessionjar: trying recorded recipe (headless browser)\n');
  expect(stderr).toContain(`sessionjar: probe GET ${site.form}/api/me: status 200\n`);
  expect(stderr).not.toContain(site.credentials.password);
  expect(site.stats.logins.form).toBe(2);
});

test('sessionjar request logs in again by itself (silent SSO, no browser); --no-refresh does not', async () => {
  await recordDemo(site, 'sso', store, 'sso', env);
  site.expireSessions();
  const launchesBefore = await launches(launchLog);
  const off = await cli(['request', 'sso', `${site.app}/api/me`, '--no-refresh']);
  expect(off.stdout).toBe('{"error":"not signed in"}');
  const on = await cli(['request', 'sso', `${site.app}/api/me`, '-v']);
  expect(on.status).toBe(0);
  expect(JSON.parse(on.stdout)).toMatchObject({ user: 'demo', style: 'sso' });
  expect(on.stderr).toContain('* refresh: refreshed by silent single sign-on\n');
  expect(await launches(launchLog)).toBe(launchesBefore);
  expect(site.stats.silentSso).toBe(1);
});

// Issue 10: a login granting 30 s against the 60 s margin was "expiring" from the start, so every
// `sessionjar request` opened a browser to log in again.
test('a 30 s session and the default margin: requests right after the recording open no browser', async () => {
  await site.close();
  ({ site, env } = await startDemo(launchLog, { sessionTtlSeconds: 30 }));
  env.SESSIONJAR_DIR = dir;
  await recordDemo(site, 'form', store, 'form', env);
  const launchesBefore = await launches(launchLog);
  for (let i = 0; i < 2; i++) {
    const run = await cli(['request', 'form', `${site.form}/api/me`]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ user: 'demo', style: 'form' });
  }
  expect(await launches(launchLog)).toBe(launchesBefore);
  expect(site.stats.logins.form).toBe(1);
});

test('status --probe on a live session, then refresh --if-needed after the server forgot it', async () => {
  await recordDemo(site, 'form', store, 'form', env);
  expect((await cli(['status', 'form', '--probe'])).status).toBe(0);
  const skip = await cli(['refresh', 'form', '--if-needed']);
  expect(skip.stdout).toContain('; nothing to do');
  site.expireSessions();
  const gone = await cli(['status', 'form', '--probe']);
  expect(gone.status).toBe(10);
  expect(gone.stdout).toContain('answered as logged out (status 401)');
  // By its clock the session is still valid: --if-needed goes by the clock, a plain refresh does not.
  const forced = await cli(['refresh', 'form', '--json']);
  expect(JSON.parse(forced.stdout)).toMatchObject({ name: 'form', refreshed: true, strategy: 'recipe', state: 'valid' });
  expect((await cli(['status', 'form', '--probe'])).status).toBe(0);
});
