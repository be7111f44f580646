import { expect, test } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { curl } from '../helpers/curl.js';
import { startGateway, writeSessionFile, type GatewayProcess } from '../helpers/gateway.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTarget, type Target } from './target.js';

// `sessionjar serve` in reverse mode, as curl sees it: the built CLI against a loopback target.
let target: Target;
let dir: string;
let gateway: GatewayProcess;
const SID = 'sid-S3CRET-0123456789';

test.beforeEach(async () => {
  target = await startTarget();
  dir = tempDir('sj-serve-');
  writeSessionFile(dir, 'app', { sid: SID }, '127.0.0.1', { 'User-Agent': 'recorded-browser/1.0' });
  gateway = await startGateway(dir, 'app', ['--target', target.origin]);
});
test.afterEach(async () => {
  if (gateway.child.exitCode === null) await gateway.stop();
  await target.close();
});

const withToken = () => ['-H', `X-Sessionjar-Token: ${gateway.token}`];

test('curl gets the authenticated answer: the caller\'s cookies first, then the session\'s, with the recorded User-Agent', async () => {
  const res = await curl([...withToken(), '-H', 'Cookie: mine=1', `${gateway.url}/me?q=1`]);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toEqual({ user: 'u', cookie: `mine=1; sid=${SID}`, ua: 'recorded-browser/1.0' });
  const seen = target.seen.at(-1);
  expect(seen?.url).toBe('/me?q=1');
  expect(seen?.headers.host).toBe(`127.0.0.1:${target.port}`);
  // The token is the gateway's: the target never sees it.
  expect(JSON.stringify(seen?.headers)).not.toContain(gateway.token);
});

test('a rotated cookie stays with the gateway, is used on the next request and is in the file after SIGTERM', async () => {
  const first = await curl([...withToken(), `${gateway.url}/me`]);
  expect(first.headers['set-cookie']).toBeUndefined();
  const second = await curl([...withToken(), `${gateway.url}/me`]);
  expect(JSON.parse(second.body).cookie).toContain('rot=1');
  expect(await gateway.stop()).toBe(0);
  const file = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { cookies: { name: string; value: string }[] };
  expect(file.cookies.find((c) => c.name === 'rot')?.value).toBe('2');
});

test('the token may come as the URL password (Basic userinfo); it is not forwarded', async () => {
  const local = new URL(gateway.url);
  const res = await curl([`http://x:${gateway.token}@${local.host}/me`]);
  expect(res.status).toBe(200);
  expect(target.seen.at(-1)?.headers.authorization).toBeUndefined();
});

test('no token, a wrong token: 401 before the target sees anything', async () => {
  const none = await curl([`${gateway.url}/me`]);
  const wrong = await curl(['-H', 'X-Sessionjar-Token: guess', `${gateway.url}/me`]);
  expect([none.status, wrong.status]).toEqual([401, 401]);
  expect(none.headers['x-sessionjar-error']).toContain('token');
  expect(target.seen).toEqual([]);
});

test('a Host that is not the gateway\'s (DNS rebinding) is 403; so is anything a browser sends', async () => {
  const port = new URL(gateway.url).port;
  const answers = await Promise.all([
    curl([...withToken(), '-H', `Host: rebind.example:${port}`, `${gateway.url}/me`]),
    curl([...withToken(), '-H', 'Origin: https://evil.example', `${gateway.url}/me`]),
    curl([...withToken(), '-H', 'Sec-Fetch-Site: cross-site', `${gateway.url}/me`]),
    curl([...withToken(), '-X', 'OPTIONS', '-H', 'Access-Control-Request-Method: GET', `${gateway.url}/me`]),
  ]);
  expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403]);
  expect(answers[1]?.headers['access-control-allow-origin']).toBeUndefined();
  expect(target.seen).toEqual([]);
  // localhost names the same loopback gateway.
  expect((await curl([...withToken(), `http://localhost:${port}/me`])).status).toBe(200);
});

test("the target's Access-Control-Allow-* headers never reach the client", async () => {
  const res = await curl([...withToken(), `${gateway.url}/me`]);
  expect(res.status).toBe(200);
  expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
});

test('a Location at the target comes back as the gateway URL; one elsewhere is left alone; redirects are not followed', async () => {
  const local = await curl([...withToken(), `${gateway.url}/redir`]);
  expect(local.status).toBe(302);
  expect(local.headers.location).toBe(`${gateway.url}/landed?from=redir`);
  const away = await curl([...withToken(), `${gateway.url}/away`]);
  expect(away.headers.location).toBe('https://elsewhere.example/x');
  expect(target.seen.map((s) => s.url)).toEqual(['/redir', '/away']);
});

test('the token is in a 0600 file, which is gone after the gateway stops; logs carry no secret', async () => {
  expect(readFileSync(gateway.tokenFile, 'utf8').trim()).toBe(gateway.token);
  expect(statSync(gateway.tokenFile).mode & 0o777).toBe(0o600);
  await curl([...withToken(), `${gateway.url}/me?key=querysecret`]);
  expect(await gateway.stop()).toBe(0);
  expect(() => statSync(gateway.tokenFile)).toThrow();
  const log = gateway.stderr();
  expect(log).toContain('"path":"/me"');
  for (const secret of [SID, gateway.token, 'querysecret']) expect(log).not.toContain(secret);
});

test("Node's own fetch (a lone Sec-Fetch-Mode: cors) gets through; the same header beside a browser's Sec-Fetch-Site does not", async () => {
  const node = await fetch(`${gateway.url}/me`, { headers: { 'X-Sessionjar-Token': gateway.token } });
  expect(node.status).toBe(200);
  const browser = await curl([...withToken(), '-H', 'Sec-Fetch-Mode: cors', '-H', 'Sec-Fetch-Site: same-origin', `${gateway.url}/me`]);
  expect(browser.status).toBe(403);
  const navigate = await curl([...withToken(), '-H', 'Sec-Fetch-Mode: navigate', `${gateway.url}/me`]);
  expect(navigate.status).toBe(403);
});
