import { expect, test } from '@playwright/test';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSession } from '../../src/session/new-session.js';
import { runCli } from '../helpers/cli.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

// Issue 10, through the real binary (npm run build first): a hostile session file is refused with
// the JSON path at fault and left alone, or, where it is valid, cannot hang the process.

let root: string;
let server: TestServer;
// A redirect to a long URL of a's, then a long body of a's: what the patterns below backtrack on.
const LONG_PATH = `/${'a'.repeat(5000)}!`;
const BODY = `${'a'.repeat(100_000)}!`;

test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/start') {
      res.writeHead(302, { location: LONG_PATH }).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(BODY);
    }
  });
});
test.afterAll(async () => {
  await server.close();
});
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-cli-hostile-'));
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(root, args);
const cookie = { name: 'sid', value: 'v', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false };

test('a cookie value with CR/LF is refused with its JSON path, exit 4, and the file is left byte for byte', async () => {
  const text = `${JSON.stringify({ ...newSession('evil'), cookies: [cookie, { ...cookie, name: 'x', value: 'v\r\nX-Injected: 1' }] }, null, 2)}\n`;
  await writeFile(join(root, 'evil.json'), text, { mode: 0o600 });
  const run = await cli('request', 'evil.json', `${server.origin}/`);
  expect(run.status).toBe(4);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain('sessionjar: error [SESSION_INVALID]: evil.json: not a valid sessionjar session file:');
  expect(run.stderr).toContain('✖ must not contain control characters (such as CR or LF) or ";"\n  → at cookies[1].value\n');
  expect(run.stderr).toContain('The file was left unchanged');
  expect(await readFile(join(root, 'evil.json'), 'utf8')).toBe(text);
  expect(await readdir(root)).toEqual(['evil.json']);
});

test('patterns that would backtrack for hours against a hostile URL and body finish, and do not match', async () => {
  // Each of these alone takes minutes or more in a backtracking engine on the URL or body above.
  const login = {
    url: `${server.origin}/login`,
    loggedOut: { redirectTo: ['**a**a**a**a**a**b'], urlPattern: '/(a+)+$/', bodyRegex: '^(a+)+$' },
  };
  const text = `${JSON.stringify({ ...newSession('hostile'), cookies: [cookie], login }, null, 2)}\n`;
  await writeFile(join(root, 'hostile.json'), text, { mode: 0o600 });
  // The failure mode is runCli's 20 s kill: no body on stdout.
  const run = await cli('request', 'hostile.json', `${server.origin}/start`, '--read-only');
  expect(run.stderr).toBe('');
  expect(run.stdout.length).toBe(BODY.length); // not the body itself: 100 kB in a failure message
  expect(run.stdout === BODY).toBe(true);
  expect(run.status).toBe(0);
});

test('a pattern the linear-time engine cannot run is refused at load, and as --until-url before any browser starts', async () => {
  const login = { url: `${server.origin}/login`, loggedOut: { bodyRegex: '^(a+)+\\1$' } };
  await writeFile(join(root, 'backref.json'), JSON.stringify({ ...newSession('backref'), login }), { mode: 0o600 });
  const loaded = await cli('request', 'backref.json', `${server.origin}/`);
  expect(loaded.status).toBe(4);
  expect(loaded.stderr).toContain('which allows no backreferences (\\1, \\k<name>)\n  → at login.loggedOut.bodyRegex\n');

  const recorded = await cli('record', 'demo', '--url', `${server.origin}/login`, '--until-url', '/^https?:\\/\\/(a+)+$/i');
  expect(recorded).toEqual({
    status: 2,
    stdout: '',
    stderr:
      'sessionjar: error [USAGE]: --until-url: "/^https?:\\/\\/(a+)+$/i" cannot be used: the pattern has unbounded repetition (*, +, {n,}) or more than 16 alternatives, so it must run in linear time, which allows no /i flag (spell out both cases instead: [Ll]ogin). See "Patterns" in docs/session-format.md.\n',
  });
  expect((await readdir(root)).sort()).toEqual(['backref.json']);
});
