import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { CLI } from '../helpers/cli.js';
import { FileStore } from '../../src/store/file-store.js';
import { curl } from '../helpers/curl.js';
import { NO_PROXY_ENV, startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { loginServerSession, startLoginServer, type LoginServer } from '../helpers/login-server.js';
import { tempDir } from '../helpers/temp-dir.js';

// A session the server no longer knows (its sid is fresh by the file's clock, but logged out):
// the gateway logs in again by silent SSO, over HTTP, no browser.
let server: LoginServer;
let gateway: GatewayProcess;
let dir: string;

test.beforeEach(async () => {
  server = await startLoginServer(300);
  dir = tempDir('sj-serve-refresh-');
  await new FileStore({ dir }).save('app', loginServerSession(server, 'app', { sso: true }, 300, 0));
  gateway = await startGateway(dir, 'app', ['--target', server.origin]);
});
test.afterEach(async () => {
  await gateway.stop();
  await server.close();
});

const me = () => curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, `${gateway.url}/api/me`]);

test('20 concurrent requests answered as logged out: one login, every one resent and answered 200', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, me));
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
  expect(server.logins.sso).toBe(1);
  // A log line is written once its answer is finished; the last may reach this pipe after curl is done.
  const lines = () => gateway.stderr().split('\n').filter((l) => l.includes('"/api/me"'));
  await expect.poll(() => lines().length, { timeout: 5_000 }).toBe(20);
  expect(lines().some((l) => l.includes('"refreshed":true'))).toBe(true);
});

test('after three failed refreshes in a row the gateway stops logging in and says why in a 401', async () => {
  server.ssoSignInRequired = true;
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await me());
  expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
  expect(answers[0]?.headers['x-sessionjar-error']).toMatch(/^REFRESH_FAILED: /);
  expect(answers[0]?.headers['x-sessionjar-error']).not.toContain('gave up');
  expect(answers[3]?.headers['x-sessionjar-error']).toContain('gave up refreshing after 3 failed refreshes');
  expect(answers[4]?.headers['x-sessionjar-error']).toContain('gave up');
  expect(server.logins.sso).toBe(0);
});

test('failed refreshes: one JSON log line per request, none of them "refreshed"', async () => {
  server.ssoSignInRequired = true;
  for (let i = 0; i < 4; i++) expect((await me()).status).toBe(401);
  await expect.poll(() => gateway.stderr().split('\n').filter((l) => l.includes('"/api/me"')).length, { timeout: 5_000 }).toBe(4);
  const lines = gateway.stderr().split('\n').filter(Boolean);
  expect(lines).toHaveLength(4);
  const entries = lines.map((l) => JSON.parse(l) as { refreshed: boolean; error: string });
  expect(entries.map((e) => e.refreshed)).toEqual([false, false, false, false]);
  expect(entries[0]?.error).toMatch(/^REFRESH_FAILED: refresh of session "app" failed; \S+ was left unchanged: - /);
  expect(entries.every((e) => !e.error.includes('\n'))).toBe(true);
  expect(entries[3]?.error).toContain('gave up refreshing');
});

test('exec --log: one text line per request, "refreshed" only on the one a refresh restored', async () => {
  await gateway.stop();
  const script = 'for i in 1 2; do curl -s -o /dev/null -H "$SESSIONJAR_TOKEN_HEADER: $SESSIONJAR_TOKEN" "$SESSIONJAR_URL/api/me"; done';
  const run = (): Promise<string> =>
    new Promise((resolve) => {
      const args = [CLI, '--dir', dir, 'exec', 'app', '--target', server.origin, '--log', '--', 'sh', '-c', script];
      execFile(process.execPath, args, { env: { PATH: process.env.PATH, ...NO_PROXY_ENV }, timeout: 30_000 }, (_error, _stdout, stderr) => resolve(stderr));
    });
  server.ssoSignInRequired = true;
  const failed = (await run()).split('\n').filter(Boolean);
  expect(failed).toHaveLength(2);
  for (const line of failed) expect(line).toMatch(new RegExp(`^GET ${server.origin}/api/me → 401 \\d+ ms \\(REFRESH_FAILED: refresh of session "app" failed; .* Run \`sessionjar refresh app\``));
  server.ssoSignInRequired = false;
  const restored = (await run()).split('\n').filter(Boolean);
  expect(restored).toEqual([expect.stringMatching(/ → 200 \d+ ms refreshed$/), expect.stringMatching(/ → 200 \d+ ms$/)]);
});
