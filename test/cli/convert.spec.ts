import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, fixturePath } from '../convert/fixtures.js';
import { CLI, runCli } from '../helpers/cli.js';

// import, export, inspect and schema through the real binary (npm run build first).

let root: string;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-cli-convert-'));
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(root, args);

/** Every cookie, storage and secret header value of the golden session: none may be printed unasked. */
const SECRETS = ['s%3Aabc123.XyZ', 'theme=dark&lang=en', 'quoted-token==', 'eyJhbGciOiJIUzI1NiJ9', 'static-api-token-123', 'wizard-step: 3'];

test('import sniffs the format, saves 0600, reports the loss on stderr, and will not overwrite without --force', async () => {
  await copyFile(fixturePath('cookies.txt'), join(root, 'cookies.txt'));
  expect(await cli('import', 'cookies.txt')).toEqual({
    status: 0,
    stdout: 'imported 6 cookies and 0 origins (netscape) into recordings/cookies.json\n',
    stderr: 'sessionjar: import could not carry: SameSite (6): cookies.txt has no SameSite field; left unset (browsers treat unset as Lax)\n',
  });
  expect((await stat(join(root, 'recordings', 'cookies.json'))).mode & 0o777).toBe(0o600);
  const saved = JSON.parse(await readFile(join(root, 'recordings', 'cookies.json'), 'utf8')) as { name: string; cookies: unknown[] };
  expect(saved.name).toBe('cookies');
  expect(saved.cookies).toHaveLength(6);

  const again = await cli('import', 'cookies.txt');
  expect(again.status).toBe(5);
  expect(again.stderr).toBe(
    'sessionjar: error [SESSION_EXISTS]: session "cookies" already exists (recordings/cookies.json); pass --force to replace it, or choose another name with --as <name>.\n',
  );
  expect((await cli('import', 'cookies.txt', '--force')).status).toBe(0);
  const json = await cli('import', fixturePath('playwright-storage-state.json'), '--as', 'pw', '--json');
  expect(json.status).toBe(0);
  expect(JSON.parse(json.stdout)).toEqual({
    name: 'pw', location: 'recordings/pw.json', format: 'playwright', cookies: 7, origins: 2, lost: [],
    derived: ['Authorization: Bearer {value} from the JWT in localStorage "auth" field access_token of https://www.example.com, sent to https://www.example.com only'],
  });
});

test('import names the file and the field of a bad input, and an unknown format', async () => {
  await writeFile(join(root, 'state.json'), '{"cookies":[{"name":"a","value":1,"domain":"x"}]}');
  const bad = await cli('import', 'state.json', '--from', 'playwright');
  expect(bad.status).toBe(5);
  expect(bad.stderr).toMatch(/^sessionjar: error \[INPUT_INVALID\]: state\.json: not a valid Playwright storageState:\n✖ .+\n {2}→ at cookies\[0\]\.value\n$/);
  await writeFile(join(root, 'notes.txt'), 'hello\n');
  expect(await cli('import', 'notes.txt')).toEqual({
    status: 5,
    stdout: '',
    stderr: 'sessionjar: error [INPUT_INVALID]: notes.txt: cannot tell the format (not a Playwright storageState, cookies.txt, HTTPie or sessionjar file). Name it with --from playwright|netscape|httpie|sessionjar.\n',
  });
  expect((await cli('import', 'missing.txt')).stderr).toBe('sessionjar: error [INPUT_INVALID]: missing.txt: no such file to import.\n');
  expect((await cli('import', 'notes.txt', '--from', 'yaml')).status).toBe(2);
});

test('export writes the format to -o (0600) or stdout, with what it lost on stderr', async () => {
  await cli('import', fixturePath('session-golden.json'), '--as', 'golden');
  const toFile = await cli('export', 'golden', '--to', 'netscape', '-o', 'cookies.txt');
  expect(toFile.status).toBe(0);
  expect(toFile.stdout).toBe('');
  expect(toFile.stderr.split('\n')).toEqual([
    'sessionjar: export to netscape lost: SameSite (3): cookies whose SameSite attribute is dropped',
    'sessionjar: export to netscape lost: partitionKey (1): partitioned (CHIPS) cookies whose partition key is dropped',
    'sessionjar: export to netscape lost: setAt (2): cookies whose set time (used to merge concurrent writers) is dropped',
    'sessionjar: export to netscape lost: localStorage (1): keys',
    'sessionjar: export to netscape lost: sessionStorage (1): keys',
    'sessionjar: export to netscape lost: IndexedDB (1): databases',
    'sessionjar: export to netscape lost: default headers (2): User-Agent, Accept-Language...',
    'sessionjar: export to netscape lost: per-origin headers (1)',
    'sessionjar: export to netscape lost: header rules (2)',
    'sessionjar: export to netscape lost: login block (1): login URL, steps, probe and logged-out signals',
    'sessionjar: wrote cookies.txt',
    '',
  ]);
  expect((await stat(join(root, 'cookies.txt'))).mode & 0o777).toBe(0o600);
  expect(await readFile(join(root, 'cookies.txt'), 'utf8')).toContain('#HttpOnly_www.example.com\tFALSE\t/\tTRUE\t0\tsid\ts%3Aabc123.XyZ\n');

  const header = await cli('export', 'golden', '--to', 'cookie-header', '--url', 'https://www.example.com/');
  expect(header.stdout).toBe('sid=s%3Aabc123.XyZ; prefs=theme=dark&lang=en\n');
  const pw = await cli('export', 'golden', '--to', 'playwright', '--json');
  const parsed = JSON.parse(pw.stdout) as { name: string; format: string; content: string; lost: { what: string }[] };
  expect(parsed.lost.map((l) => l.what)).toContain('sessionStorage');
  expect(JSON.parse(parsed.content)).toMatchObject({ cookies: expect.any(Array), origins: expect.any(Array) });
  expect(pw.stderr).toBe('');
});

test('export refuses what it cannot do, with the right status', async () => {
  await cli('import', fixturePath('session-golden.json'), '--as', 'golden');
  expect(await cli('export', 'golden', '--to', 'cookie-header')).toEqual({
    status: 2,
    stdout: '',
    stderr: 'sessionjar: error [USAGE]: --url is required with --to cookie-header: a Cookie header depends on the URL it is sent to.\n',
  });
  expect((await cli('export', 'golden')).status).toBe(2);
  const missing = await cli('export', 'nope', '--to', 'netscape');
  expect(missing.status).toBe(3);
  expect(missing.stderr).toContain('SESSION_NOT_FOUND');
});

test('inspect shows cookies by domain, storage, headers and login with every value redacted unless --reveal', async () => {
  await cli('import', fixturePath('session-golden.json'), '--as', 'golden');
  const shown = await cli('inspect', 'golden');
  expect(shown.status).toBe(0);
  for (const secret of SECRETS) expect(shown.stdout).not.toContain(secret);
  const lines = shown.stdout.split('\n');
  expect(lines).toContain('  www.example.com');
  expect(lines).toContain('    sid=[redacted 14 chars]  host-only HttpOnly Secure SameSite=Strict  session');
  expect(lines).toContain('    IndexedDB app-db v2: tokens (1 record)');
  expect(lines).toContain('    localStorage auth: [redacted 64 chars]');
  expect(lines).toContain('  User-Agent: Mozilla/5.0 (X11; Linux x86_64) sessionjar-fixture');
  expect(lines).toContain('  Authorization: Bearer [redacted 20 chars]  (only to https://api.example.com)');
  expect(lines).toContain('  X-XSRF-TOKEN: {value}  ({value} from cookie csrf; only to https://api.example.com)');
  expect(lines).toContain('  environment variables: EXAMPLE_USER, EXAMPLE_PASSWORD');
  expect(shown.stdout).toMatch(/prefs=\[redacted 18 chars, expires 2100-01-01T00:00:00\.000Z\] {2}subdomains {2}expires 2100-01-01T00:00:00\.000Z \((in|ago) /);

  const json = await cli('inspect', 'golden', '--json');
  for (const secret of SECRETS) expect(json.stdout).not.toContain(secret);
  const doc = JSON.parse(json.stdout) as { cookies: { domain: string; cookies: { name: string; value: string }[] }[] };
  expect(doc.cookies.map((d) => d.domain)).toEqual(['api.example.com', 'example.com', 'widget.example.net', 'www.example.com']);

  const revealed = await cli('inspect', 'golden', '--reveal');
  for (const secret of SECRETS.slice(0, 5)) expect(revealed.stdout).toContain(secret);
});

test('export will not print credentials on a terminal unless --reveal', async () => {
  await cli('import', fixturePath('session-golden.json'), '--as', 'golden');
  // script(1) gives the command a pseudo-terminal as stdout.
  const onTerminal = (...args: string[]) =>
    new Promise<{ status: number; output: string }>((done) => {
      const command = [process.execPath, CLI, 'export', 'golden', '--to', 'netscape', ...args].join(' ');
      execFile('script', ['-qec', command, '/dev/null'], { cwd: root, env: { PATH: process.env.PATH }, timeout: 20_000 }, (error, stdout) => {
        done({ status: error ? Number(error.code) : 0, output: stdout });
      });
    });
  const refused = await onTerminal();
  expect(refused.status).toBe(2);
  expect(refused.output).toContain('the export holds live credentials: write it to a file with -o <file>, pipe it, or add --reveal to print it here.');
  expect(refused.output).not.toContain('s%3Aabc123.XyZ');
  const revealed = await onTerminal('--reveal');
  expect(revealed.status).toBe(0);
  expect(revealed.output).toContain('sid\ts%3Aabc123.XyZ');
});

test('schema prints the checked-in JSON Schema', async () => {
  const { status, stdout } = await cli('schema');
  expect(status).toBe(0);
  expect(stdout).toBe(fixture('../../docs/session.schema.json'));
});
