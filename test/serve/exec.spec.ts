import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';
import { NO_PROXY_ENV, writeSessionFile } from '../helpers/gateway.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTarget, type Target } from './target.js';

// `sessionjar exec`: a gateway for the life of one command, found through the environment.
let target: Target;
let dir: string;
const SID = 'sid-S3CRET-exec-0123456789';

test.beforeAll(async () => {
  target = await startTarget();
  dir = tempDir('sj-exec-');
  writeSessionFile(dir, 'app', { sid: SID });
});
test.afterAll(() => target.close());

function exec(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, '--dir', dir, 'exec', 'app', '--target', target.origin, ...args], { env: { PATH: process.env.PATH, ...NO_PROXY_ENV }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

test('curl through exec gets the authenticated answer with the token from the environment', async () => {
  const run = await exec(['--', 'sh', '-c', 'curl -s -H "$SESSIONJAR_TOKEN_HEADER: $SESSIONJAR_TOKEN" "$SESSIONJAR_URL/me"']);
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ user: 'u', cookie: expect.stringContaining(`sid=${SID}`) });
});

test('without the token the command gets 401 and the target sees nothing', async () => {
  const before = target.seen.length;
  const run = await exec(['--', 'sh', '-c', 'curl -s -o /dev/null -w "%{http_code}" "$SESSIONJAR_URL/me"']);
  expect(run.stdout).toBe('401');
  expect(target.seen.length).toBe(before);
});

test('a five-line Python requests script through exec', async () => {
  const script = join(dir, 'me.py');
  writeFileSync(script, [
    'import os, requests',
    's = requests.Session()',
    "s.headers[os.environ['SESSIONJAR_TOKEN_HEADER']] = os.environ['SESSIONJAR_TOKEN']",
    "r = s.get(os.environ['SESSIONJAR_URL'] + '/me')",
    "print(r.status_code, r.json()['user'])",
  ].join('\n'));
  const run = await exec(['--', 'python3', script]);
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('200 u');
});

test("exec exits with the command's status; a command that cannot start exits 127 or 126, as a shell's", async () => {
  expect((await exec(['--', 'sh', '-c', 'exit 7'])).status).toBe(7);
  expect(await exec(['--', 'no-such-command-sj'])).toEqual({
    status: 127,
    stdout: '',
    stderr: 'sessionjar: exec: "no-such-command-sj": command not found (ENOENT): check its name and PATH; exit status 127, as a shell\'s.\n',
  });
  const path = await exec(['--', '/nonexistent/cmd']);
  expect(path.status).toBe(127);
  expect(path.stderr).toBe('sessionjar: exec: "/nonexistent/cmd": command not found (ENOENT): check its name and path; exit status 127, as a shell\'s.\n');
  const plain = join(dir, 'not-executable.sh');
  writeFileSync(plain, 'echo hi\n', { mode: 0o644 });
  const denied = await exec(['--', plain]);
  expect(denied.status).toBe(126);
  expect(denied.stderr).toBe(`sessionjar: exec: "${plain}": it cannot be run (EACCES): check that it is an executable file and that you may run it; exit status 126, as a shell's.\n`);
  const json = await exec(['--json', '--', '/nonexistent/cmd']);
  expect(json.status).toBe(127);
  expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'COMMAND_NOT_FOUND', status: 127 } });
});

test('exec --json logs each request as a JSON line on stderr without --log', async () => {
  const run = await exec(['--json', '--', 'sh', '-c', 'curl -s -o /dev/null -H "$SESSIONJAR_TOKEN_HEADER: $SESSIONJAR_TOKEN" "$SESSIONJAR_URL/me"']);
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stderr)).toMatchObject({ method: 'GET', path: '/me', target: target.origin, status: 200, refreshed: false });
});
