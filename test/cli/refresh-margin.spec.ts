import { expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/store/file-store.js';
import { runCli } from '../helpers/cli.js';
import { loginServerSession, startLoginServer, testJwt, type LoginServer } from '../helpers/login-server.js';

// The real binary (npm run build first), each request its own process, as a shell script runs it.

let root: string;
let store: FileStore;
let server: LoginServer;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-cli-margin-'));
  store = new FileStore({ dir: join(root, 'recordings') });
  server = await startLoginServer(30);
});
test.afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const request = (name: string, ...extra: string[]) => runCli(root, ['request', name, `${server.origin}/api/me`, ...extra]);
const nowS = () => Math.floor(Date.now() / 1000);

// Issue 10: a login granting less than the margin (30 s against 60) counted as expiring the moment
// it was made, so every CLI request logged in again.
test('30 s access token, default margin: the expired token is refreshed once, the next request uses the new one', async () => {
  await store.save('spa', loginServerSession(server, 'spa', { oauth: true }));
  const first = await request('spa');
  expect(first).toMatchObject({ status: 0, stdout: '{"user":"u"}' });
  expect(server.logins.oauth).toBe(1);
  const second = await request('spa');
  expect(second).toMatchObject({ status: 0, stdout: '{"user":"u"}' });
  expect(server.logins).toEqual({ oauth: 1, sso: 0 });
});

test('30 s session cookie by silent SSO, default margin: two requests, one login', async () => {
  await store.save('app', loginServerSession(server, 'app', { sso: true }));
  expect(await request('app')).toMatchObject({ status: 0, stdout: '{"user":"u"}' });
  expect(await request('app')).toMatchObject({ status: 0, stdout: '{"user":"u"}' });
  expect(server.logins).toEqual({ oauth: 0, sso: 1 });
});

test('request --margin: how early a long-lived token is refreshed', async () => {
  const session = loginServerSession(server, 'spa', { oauth: true });
  // A live token the server granted, with 10 minutes left of its 70: its margin may be up to 35 minutes.
  const access = testJwt({ iat: nowS() - 3600, exp: nowS() + 600 });
  server.accept(access, nowS() + 600);
  await store.save('spa', { ...session, origins: [{ ...session.origins[0]!, localStorage: { auth: JSON.stringify({ access_token: access, refresh_token: 'rt-recorded-0123456789' }) } }] });
  expect(await request('spa')).toMatchObject({ status: 0, stdout: '{"user":"u"}' });
  expect(server.logins.oauth).toBe(0);
  expect(await request('spa', '--margin', '900')).toMatchObject({ status: 0, stdout: '{"user":"u"}' });
  expect(server.logins.oauth).toBe(1);
  const bad = await request('spa', '--margin', 'soon');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--margin: "soon" is not a number of seconds ≥ 0, e.g. 60.');
});
