import { expect, test } from '@playwright/test';
import { FileStore } from '../../src/store/file-store.js';
import { curl } from '../helpers/curl.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { loginServerSession, startLoginServer, type LoginServer } from '../helpers/login-server.js';
import { tempDir } from '../helpers/temp-dir.js';

// A session the server no longer knows (its sid is fresh by the file's clock, but logged out):
// the gateway logs in again by silent SSO, over HTTP, no browser.
let server: LoginServer;
let gateway: GatewayProcess;

test.beforeEach(async () => {
  server = await startLoginServer(300);
  const dir = tempDir('sj-serve-refresh-');
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
