import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cookie, sessionWith } from '../replay/fixtures.js';

// Issue 10: a request whose credentials the user took out with -H answers for the user's
// credentials, not the session's: a 401 must not start a re-login or rewrite the session file.

const nowS = () => Math.floor(Date.now() / 1000);
const jwt = (exp: number) => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: 'u', exp })}.sig`;
};

let server: TestServer;
let tokenCalls = 0;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/oauth/token') {
      tokenCalls++;
      res.setHeader('content-type', 'application/json');
      return void res.end(JSON.stringify({ access_token: jwt(nowS() + 3600), refresh_token: `rt-${tokenCalls}` }));
    }
    const cookie = req.headers.cookie ?? '';
    // Like many frameworks, an anonymous visitor gets a session cookie of its own.
    if (!cookie.includes('sid=')) res.setHeader('set-cookie', 'sid=anonymous-visitor; Path=/');
    if (cookie !== 'sid=logged-in-user' || req.headers.authorization !== 'Bearer tok-user') return void res.writeHead(401).end('who are you?');
    res.end('hello user');
  });
});
test.afterAll(() => server.close());

/** A session with a cookie, a bearer token for the server's origin, and an OAuth refresh token (so a re-login needs no browser). */
function writeSession(dir: string): string {
  const ref = { storage: 'localStorage', origin: server.origin, key: 'auth' } as const;
  const doc = sessionWith([cookie('sid', 'logged-in-user', '127.0.0.1')], {
    name: 'app',
    origins: [{ origin: server.origin, localStorage: { auth: JSON.stringify({ access_token: jwt(nowS() + 3600), refresh_token: 'rt-0' }) }, sessionStorage: {} }],
    headers: { default: {}, origins: { [server.origin]: { Authorization: 'Bearer tok-user' } }, rules: [] },
    tokens: { jwts: [], oauth: { tokenEndpoint: `${server.origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: { ...ref, jsonPath: 'access_token' } } },
  });
  const file = join(dir, 'app.json');
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  return file;
}

for (const header of ['Cookie:', 'Authorization:', 'Authorization: Bearer someone-else']) {
  test(`issue 10: -H '${header}' on a 401 does not log in again and leaves the session file as it was`, async () => {
    const dir = tempDir('sj-req-cred-');
    const file = writeSession(dir);
    const before = readFileSync(file, 'utf8');
    tokenCalls = 0;
    const run = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/api`, '-H', header, '-v']);
    expect(run.stderr).not.toContain('refreshing');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('who are you?');
    expect(tokenCalls).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);

    // The same request with the session's own credentials works: the file was fine all along.
    const own = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/api`]);
    expect(own.stdout).toBe('hello user');
  });
}

test("issue 10: the anonymous visitor's cookie of a -H 'Cookie:' request stays out of the session file", async () => {
  const dir = tempDir('sj-req-cred-');
  const file = writeSession(dir);
  const run = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/api`, '-H', 'Cookie:', '--no-refresh', '-v']);
  expect(run.status).toBe(0);
  expect(run.stderr).toContain(`* ignored cookie "sid" set by ${server.origin}/api: the request was sent without the session's cookies (cookie: null)`);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { cookies: { value: string }[] };
  expect(saved.cookies.map((c) => c.value)).toEqual(['logged-in-user']);
});
