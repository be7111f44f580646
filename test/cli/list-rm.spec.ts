import { expect, test } from '@playwright/test';
import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/store/file-store.js';
import { fixedKeyProvider } from '../../src/store/keys.js';
import { sampleSession } from '../store/contract.js';
import { runCli } from '../helpers/cli.js';

// The real binary (npm run build first), run in a temp folder so locations print as recordings/<name>.json.

let root: string;
let store: FileStore;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-cli-store-'));
  store = new FileStore({ dir: join(root, 'recordings') });
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(root, args, env);

test('list on an empty store says how to record one', async () => {
  expect(await cli(['list'])).toEqual({
    status: 0,
    stdout: 'no sessions (record one with `sessionjar record <name> --url <login-url>`)\n',
    stderr: '',
  });
});

test('list shows each session sorted, and an unreadable one with its problem', async () => {
  await store.save('zeta', sampleSession('zeta'));
  await store.save('alpha', { ...sampleSession('alpha'), cookies: [] });
  await writeFile(join(root, 'recordings', 'broken.json'), '{"version": 1,', { mode: 0o600 });
  const { status, stdout, stderr } = await cli(['list']);
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  expect(stdout.split('\n')).toEqual([
    // The second column, the expiry state, belongs to session/expiry.ts and is tested there.
    expect.stringMatching(/^alpha\t[a-z]+\t0 cookies\tupdated 2026-01-02T03:04:05\.000Z$/),
    expect.stringMatching(/^broken\tunreadable: recordings\/broken\.json: not valid JSON \(.+\)\. The file was left unchanged/),
    expect.stringMatching(/^zeta\t[a-z]+\t2 cookies\tupdated 2026-01-02T03:04:05\.000Z$/),
    '',
  ]);
  expect(stdout).not.toContain('s3cr3t');
});

test('list --json, with the store chosen by SESSIONJAR_DIR', async () => {
  await store.save('github', sampleSession('github'));
  await writeFile(join(root, 'recordings', 'future.json'), JSON.stringify({ ...sampleSession('future'), version: 9 }), { mode: 0o600 });
  const { status, stdout } = await cli(['list', '--json'], { SESSIONJAR_DIR: 'recordings' });
  expect(status).toBe(0);
  expect(JSON.parse(stdout)).toEqual([
    {
      name: 'future',
      location: 'recordings/future.json',
      error: { code: 'SESSION_TOO_NEW', message: expect.stringContaining('written by a newer sessionjar (format version 9') },
    },
    { name: 'github', location: 'recordings/github.json', cookies: 2, updatedAt: '2026-01-02T03:04:05.000Z', state: expect.any(String) },
  ]);
});

test('list warns on stderr about a file other users can read, and fixes it', async () => {
  await store.save('github', sampleSession('github'));
  await chmod(join(root, 'recordings', 'github.json'), 0o644);
  const { status, stderr } = await cli(['--dir', 'recordings', 'list']);
  expect(status).toBe(0);
  expect(stderr).toBe('sessionjar: warning: recordings/github.json had mode 0644, readable by other users; set it to 0600\n');
});

test('rm deletes the session; rm of a missing one exits 3 and says where it looked', async () => {
  await store.save('github', sampleSession('github'));
  expect(await cli(['--dir', 'recordings', 'rm', 'github'])).toEqual({ status: 0, stdout: 'removed recordings/github.json\n', stderr: '' });
  await expect(access(join(root, 'recordings', 'github.json'))).rejects.toThrow();
  expect(await cli(['--dir', 'recordings', 'rm', 'github'])).toEqual({
    status: 3,
    stdout: '',
    stderr: 'sessionjar: error [SESSION_NOT_FOUND]: no session "github" to remove (looked for recordings/github.json). Run `sessionjar list` to see the recorded sessions.\n',
  });
});

test('rm --json, and rm of a broken file', async () => {
  await store.save('x', sampleSession('x'));
  // Cut short mid-file: no longer JSON, still recognisably ours.
  const text = await readFile(join(root, 'recordings', 'x.json'), 'utf8');
  await writeFile(join(root, 'recordings', 'x.json'), text.slice(0, 80));
  const ok = await cli(['--dir', 'recordings', 'rm', 'x', '--json']);
  expect(ok.status).toBe(0);
  expect(JSON.parse(ok.stdout)).toEqual({ removed: 'x', location: 'recordings/x.json' });
  const missing = await cli(['--dir', 'recordings', 'rm', 'x', '--json']);
  expect(missing.status).toBe(3);
  expect(JSON.parse(missing.stderr)).toEqual({ error: { code: 'SESSION_NOT_FOUND', message: expect.stringContaining('no session "x" to remove'), file: 'recordings/x.json' } });
});

test('rm with a path, and with an invalid name', async () => {
  const file = join(root, 'elsewhere.json');
  await store.save(file, sampleSession('elsewhere'));
  expect(await cli(['rm', './elsewhere.json'])).toEqual({ status: 0, stdout: 'removed elsewhere.json\n', stderr: '' });
  const bad = await cli(['rm', 'a b']);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('[USAGE]: invalid session name "a b"');
});

// Issue 10: `rm package.json` deleted whatever .json it was given.
test('rm refuses a file that is no session file, by path or by name, and leaves it', async () => {
  const pkg = '{\n  "name": "my-app",\n  "version": "1.0.0"\n}\n';
  await writeFile(join(root, 'package.json'), pkg);
  const byPath = await cli(['rm', 'package.json']);
  expect(byPath).toEqual({
    status: 4,
    stdout: '',
    stderr:
      'sessionjar: error [SESSION_INVALID]: package.json is not a sessionjar session file (it has no "generator": "sessionjar@…" and is no encrypted session), so it was not deleted. Give the name of a session (`sessionjar list` shows them) or the path of a session file.\n',
  });
  expect(await readFile(join(root, 'package.json'), 'utf8')).toBe(pkg);
  // The same file by name, with the store pointed at its folder; and a file that is not JSON at all.
  expect((await cli(['--dir', '.', 'rm', 'package', '--json'])).status).toBe(4);
  await writeFile(join(root, 'notes.json'), 'not json, no marker');
  expect((await cli(['rm', './notes.json'])).status).toBe(4);
  expect(await readFile(join(root, 'package.json'), 'utf8')).toBe(pkg);
  expect(await readFile(join(root, 'notes.json'), 'utf8')).toBe('not json, no marker');
  // An encrypted session file is a session file, removable without its key.
  const sealing = new FileStore({ dir: join(root, 'recordings'), keys: fixedKeyProvider({ passphrase: 'correct horse' }) });
  await sealing.save(join(root, 'sealed.json'), sampleSession('sealed'), { encrypt: true });
  expect(await cli(['rm', 'sealed.json'])).toEqual({ status: 0, stdout: 'removed sealed.json\n', stderr: '' });
});

test('rm --help shows examples', async () => {
  const { status, stdout } = await cli(['rm', '--help']);
  expect(status).toBe(0);
  expect(stdout).toContain('Examples:\n  sessionjar rm github');
});
