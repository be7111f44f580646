import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { FileStore } from '../../src/store/file-store.js';
import { runCli } from '../helpers/cli.js';
import { loginServerSession, startLoginServer } from '../helpers/login-server.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cookie, sessionWith } from '../replay/fixtures.js';

// Issue 17: a server that repeats one of the session's own values (not shaped like a credential:
// in prose, after `javascript:`, in a reason phrase) must not put it on the terminal. The real
// binary (npm run build first) against a hostile app on loopback.

/** An express-session style cookie: the app reads `s:<id>.<signature>`, the wire carries it URL-encoded. */
const signed = () => `s%3A${randomBytes(9).toString('hex')}.${randomBytes(6).toString('base64url')}`;
const SID = signed();
const REFRESH_TOKEN = `rt-${randomBytes(8).toString('hex')}`;
/** What the token endpoint signs a refused client into: a cookie the session holds only from then on. */
const FRESH = signed();
/** Every form of a secret that must not be printed. */
const forms = (value: string) => [value, decodeURIComponent(value)];
const LEAKS = [...forms(SID), ...forms(FRESH)];

const sidOf = (req: IncomingMessage) => /(?:^|;\s*)sid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? 'none';

let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/oauth/token') {
      // Refuses the grant, names the session it read from the cookie (decoded, as apps read
      // cookies), and signs the client out into a new session it names too.
      res.writeHead(400, { 'content-type': 'application/json', 'set-cookie': `sid=${FRESH}; Path=/; HttpOnly` });
      const description = `refresh token … of session ${decodeURIComponent(sidOf(req))} revoked; signed out into ${decodeURIComponent(FRESH)}`;
      return void res.end(JSON.stringify({ error: 'invalid_grant', error_description: description }));
    }
    if (path === '/go') {
      res.writeHead(302, { location: `javascript:${sidOf(req)}` });
      return void res.end();
    }
    if (path === '/reason') {
      res.writeHead(200, `OK for ${decodeURIComponent(sidOf(req))}`, { 'content-type': 'text/plain' });
      return void res.end('ok');
    }
    res.writeHead(401);
    res.end();
  });
});
test.afterAll(() => server.close());

/** A folder holding `app.json`: the sid cookie and a refresh token for the server's token endpoint. */
function workspace(): string {
  const dir = tempDir('sj-echoed-');
  const origin = server.origin;
  const ref = { storage: 'localStorage' as const, origin, key: 'auth' };
  const doc = sessionWith([cookie('sid', SID, '127.0.0.1')], {
    name: 'app',
    origins: [{ origin, localStorage: { auth: JSON.stringify({ refresh_token: REFRESH_TOKEN }) }, sessionStorage: {} }],
    tokens: { jwts: [], oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' } } },
  });
  writeFileSync(join(dir, 'app.json'), `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  return dir;
}

function expectNoLeak(text: string): void {
  for (const secret of LEAKS) expect(text).not.toContain(secret);
}

const ECHO = /session \[redacted 29 chars\] revoked; signed out into \[redacted 29 chars\]/;

test('issue 17: a token endpoint repeating the sid cookie, and the one it just set, in its error: not in refresh -v, --json or REFRESH_FAILED', async () => {
  const dir = workspace();
  const verbose = await runCli(dir, ['--dir', dir, 'refresh', 'app', '-v']);
  expect(verbose.status).toBe(11);
  expect(verbose.stderr).toMatch(new RegExp(`^sessionjar: OAuth refresh token failed: .*${ECHO.source}`, 'm'));
  expect(verbose.stderr).toMatch(new RegExp(`^sessionjar: error \\[REFRESH_FAILED\\]: (.|\\n)*${ECHO.source}`, 'm'));
  expectNoLeak(verbose.stdout + verbose.stderr);

  const json = await runCli(dir, ['--dir', dir, 'refresh', 'app', '-v', '--json']);
  expect(json.status).toBe(11);
  const error = JSON.parse(json.stderr.split('\n').filter((line) => line.startsWith('{')).join('')).error;
  expect(error).toMatchObject({ code: 'REFRESH_FAILED', message: expect.stringMatching(ECHO) });
  expect(error.strategies[0]).toMatchObject({ strategy: 'oauth', outcome: 'failed', reason: expect.stringMatching(ECHO) });
  expectNoLeak(json.stdout + json.stderr);
});

test('issue 17: SESSIONJAR_DEBUG stacks hide the repeated values too', async () => {
  const dir = workspace();
  const run = await runCli(dir, ['--dir', dir, 'refresh', 'app'], { SESSIONJAR_DEBUG: '1' });
  expect(run.status).toBe(11);
  expect(run.stderr).toMatch(/^SessionjarError: refresh of session "app" failed/m);
  expect(run.stderr).toMatch(/^ {4}at /m);
  expect(run.stderr.match(new RegExp(ECHO.source, 'g'))).toHaveLength(2); // the message, then the stack
  expectNoLeak(run.stderr);
});

test('issue 17: refresh --reveal shows what the server said as it came', async () => {
  const dir = workspace();
  const run = await runCli(dir, ['--dir', dir, 'refresh', 'app', '-v', '--reveal']);
  expect(run.status).toBe(11);
  expect(run.stderr).toContain(`of session ${decodeURIComponent(SID)} revoked; signed out into ${decodeURIComponent(FRESH)}`);
});

test('issue 17: request -v hides the sid a Location repeats after javascript:, -i the one a reason phrase repeats; --reveal shows both', async () => {
  const dir = workspace();
  const go = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/go`, '-v', '--no-refresh']);
  expect(go.status).toBe(9); // REDIRECT_ERROR: a javascript: Location is never followed
  expect(go.stderr).toContain(`< location: javascript:[redacted ${SID.length} chars]`);
  expectNoLeak(go.stdout + go.stderr);

  const reason = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/reason`, '-i', '--no-refresh']);
  expect(reason.status).toBe(0);
  expect(reason.stdout).toMatch(/^HTTP 200 OK for \[redacted 29 chars\]\r$/m);
  expectNoLeak(reason.stdout + reason.stderr);

  const shown = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/go`, '-v', '--no-refresh', '--reveal']);
  expect(shown.stderr).toContain(`< location: javascript:${SID}`);
  const shownHead = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/reason`, '-i', '--no-refresh', '--reveal']);
  expect(shownHead.stdout).toContain(`HTTP 200 OK for ${decodeURIComponent(SID)}`);
});

test('issue 17: a refresh that works after a token endpoint repeated the sid: the outcomes in refresh --json hide it', async () => {
  const login = await startLoginServer(3600);
  try {
    const dir = tempDir('sj-echoed-ok-');
    const session = loginServerSession(login, 'app', { oauth: true, sso: true });
    const sid = session.cookies.find((c) => c.name === 'sid')!.value;
    login.tokenFailure = JSON.stringify({ error: 'invalid_grant', error_description: `refresh token … of session ${sid} revoked` });
    await new FileStore({ dir }).save('app', session);
    const run = await runCli(dir, ['--dir', dir, 'refresh', 'app', '--json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ refreshed: true, strategy: 'silent-sso' });
    expect(result.outcomes[0].reason).toContain(`of session [redacted ${sid.length} chars] revoked`);
    expect(run.stdout + run.stderr).not.toContain(sid);
  } finally {
    await login.close();
  }
});
