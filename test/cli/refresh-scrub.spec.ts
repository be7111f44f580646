import { expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/store/file-store.js';
import { runCli } from '../helpers/cli.js';
import { loginServerSession, startLoginServer, testJwt, type LoginServer } from '../helpers/login-server.js';

// The real binary (npm run build first).

let root: string;
let store: FileStore;
let server: LoginServer;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-cli-scrub-'));
  store = new FileStore({ dir: join(root, 'recordings') });
  server = await startLoginServer(3600);
  // A token endpoint that refuses the grant and, in doing so, quotes the refresh token it was sent
  // and hands out credentials it should not.
  server.tokenFailure = JSON.stringify({
    error: 'invalid_grant',
    error_description: `refresh token rt-recorded-0123456789 revoked; try access_token=${LEAKED_JWT} or Set-Cookie: sid=LEAKEDSID1234; Path=/ at ${server.localhostOrigin}/cb?code=LEAKEDCODE42&state=s1`,
    access_token: 'LEAKEDACCESS77',
  });
  await store.save('app', loginServerSession(server, 'app', { oauth: true, sso: true }));
});
test.afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const LEAKED_JWT = testJwt({ exp: 4102444800 });
const LEAKS = ['rt-recorded-0123456789', LEAKED_JWT, 'LEAKEDSID1234', 'LEAKEDCODE42', 'LEAKEDACCESS77'];
const cli = (args: string[]) => runCli(root, args);

function expectNoLeak(text: string): void {
  for (const secret of LEAKS) expect(text).not.toContain(secret);
}

// Issue 10: -v progress lines and `refresh --json` outcomes printed a server's error answer as it came.
test('refresh -v --json: the failing token answer is scrubbed from the progress lines and the outcomes', async () => {
  const run = await cli(['refresh', 'app', '-v', '--json']);
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result).toMatchObject({ refreshed: true, strategy: 'silent-sso' });
  expect(result.outcomes[0]).toMatchObject({ strategy: 'oauth', outcome: 'failed' });
  expect(result.outcomes[0].reason).toMatch(/^the token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token answered 400 \(invalid_grant: refresh token \[redacted 22 chars\] revoked; try access_token=\[redacted \d+ chars\] or Set-Cookie: sid=\[redacted 13 chars\]; Path=\/ at http:\/\/localhost:\d+\/cb\?code=\[redacted 12 chars\]&state=s1\)$/);
  expect(run.stderr).toContain('sessionjar: OAuth refresh token failed: the token endpoint ');
  expectNoLeak(run.stdout);
  expectNoLeak(run.stderr);
});

test('a refresh where every strategy fails: the error on stderr is scrubbed too', async () => {
  server.ssoSignInRequired = true;
  const run = await cli(['refresh', 'app', '-v', '--json']);
  expect(run.status).toBe(11);
  const error = JSON.parse(run.stderr.split('\n').filter((line) => !line.startsWith('sessionjar: ')).join('\n')).error;
  expect(error.code).toBe('REFRESH_FAILED');
  expect(error.strategies[0]).toMatchObject({ strategy: 'oauth', outcome: 'failed', reason: expect.stringContaining('code=[redacted 12 chars]') });
  expectNoLeak(run.stderr);
});

test('request -v: the refresh lines are scrubbed, unless --reveal', async () => {
  const url = `${server.origin}/api/me`;
  const hidden = await cli(['request', 'app', url, '-v']);
  expect(hidden).toMatchObject({ status: 0, stdout: '{"user":"u"}' });
  expect(hidden.stderr).toContain('* refresh: OAuth refresh token failed: the token endpoint ');
  expectNoLeak(hidden.stderr);
  // Expired again, so the next request refreshes again.
  await store.save('app', loginServerSession(server, 'app', { oauth: true, sso: true }));
  const shown = await cli(['request', 'app', url, '-v', '--reveal']);
  expect(shown.status).toBe(0);
  expect(shown.stderr).toContain('code=LEAKEDCODE42');
});
