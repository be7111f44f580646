import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cookie, sessionWith } from '../replay/fixtures.js';

// Issue 10: `request -v` and `-i` print what servers answer; secrets in those answers (a cookie a
// header echoes, a code or token in a Location, a JWT in a header of any name) stay redacted
// unless --reveal.

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const SECRETS = {
  recorded: 'RECORDEDcookie-0123456789',
  set: 'SETbyServer-7f3a9c2e41',
  code: 'AUTHcode-5e8d2b7c9a41',
  token: 'ACCESStoken-c4a1e9d7b3f2',
  jwt: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'alice' })}.SIGNATUREpart0123456789`,
};

let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/start') {
      res.writeHead(302, {
        location: `/callback?code=${SECRETS.code}&state=xyz#access_token=${SECRETS.token}`,
        'set-cookie': `fresh=${SECRETS.set}; Path=/; HttpOnly`,
      });
      return void res.end();
    }
    res.writeHead(200, {
      'content-type': 'text/plain',
      'x-echo': req.headers.cookie ?? '',
      'x-new-jwt': SECRETS.jwt,
      'content-location': `/callback?code=${SECRETS.code}`,
    });
    res.end('ok');
  });
});
test.afterAll(() => server.close());

function writeSession(dir: string): void {
  const doc = sessionWith([cookie('sid', SECRETS.recorded, '127.0.0.1')], { name: 'app' });
  writeFileSync(join(dir, 'app.json'), `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
}

test('issue 10: -v and -i redact secrets in response headers of every name, and the codes in redirect URLs', async () => {
  const dir = tempDir('sj-req-verbose-');
  writeSession(dir);
  const run = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/start`, '-v', '-i', '--no-refresh']);
  expect(run.status).toBe(0);
  const output = run.stdout + run.stderr;
  for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
  expect(run.stderr).toContain(`< location: /callback?code=[redacted ${SECRETS.code.length} chars]&state=xyz#access_token=[redacted ${SECRETS.token.length} chars]`);
  expect(run.stderr).toContain(`> GET ${server.origin}/callback?code=[redacted ${SECRETS.code.length} chars]&state=xyz`);
  expect(run.stderr).toMatch(/^< x-echo: sid=\[redacted 25 chars\]; fresh=\[redacted 22 chars\]$/m);
  expect(run.stdout).toMatch(/^x-new-jwt: \[redacted \d+ chars\]\r$/m);

  const revealed = await runCli(dir, ['--dir', dir, 'request', 'app', `${server.origin}/start`, '-v', '-i', '--no-refresh', '--reveal']);
  for (const secret of Object.values(SECRETS)) expect(revealed.stdout + revealed.stderr).toContain(secret);
});
