import { expect, test } from '@playwright/test';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { isSessionjarError } from '../../src/core/errors.js';
import { serializeSession } from '../../src/session/schema/index.js';
import { defaultStore } from '../../src/store/default-store.js';
import { FileStore } from '../../src/store/file-store.js';
import { sampleSession, storeContract } from './contract.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sj-store-'));
}

storeContract('FileStore', async () => {
  const root = await tempDir();
  return { store: new FileStore({ dir: join(root, 'recordings') }), dispose: () => rm(root, { recursive: true, force: true }) };
});

let root: string;
let dir: string;
let warnings: string[];
let store: FileStore;

test.beforeEach(async () => {
  root = await tempDir();
  dir = join(root, 'recordings');
  warnings = [];
  store = new FileStore({ dir, onWarning: (m) => warnings.push(m) });
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<string> {
  return `0${((await stat(path)).mode & 0o777).toString(8)}`;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSessionjarError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a SessionjarError');
}

test.describe('permissions', () => {
  test('file 0600 and folder 0700 even with umask 0', async () => {
    const previous = process.umask(0);
    try {
      const nested = new FileStore({ dir: join(root, 'a', 'b') });
      await nested.save('github', sampleSession('github'));
      expect(await modeOf(join(root, 'a', 'b'))).toBe('0700');
      expect(await modeOf(join(root, 'a', 'b', 'github.json'))).toBe('0600');
      await nested.update('github', (s) => s);
      expect(await modeOf(join(root, 'a', 'b', 'github.json'))).toBe('0600');
    } finally {
      process.umask(previous);
    }
  });

  test('a looser file is warned about with path and mode, set to 0600, and stays 0600 after later saves', async () => {
    await store.save('github', sampleSession('github'));
    const file = join(dir, 'github.json');
    await chmod(file, 0o644);
    await store.load('github');
    expect(warnings).toEqual([`${file} had mode 0644, readable by other users; set it to 0600`]);
    expect(await modeOf(file)).toBe('0600');

    await chmod(file, 0o666);
    await store.save('github', sampleSession('github'));
    expect(warnings[1]).toBe(`${file} had mode 0666, readable by other users; rewritten with mode 0600`);
    expect(await modeOf(file)).toBe('0600');
    await store.update('github', (s) => ({ ...s, cookies: [] }));
    await store.save('github', sampleSession('github'));
    expect(await modeOf(file)).toBe('0600');
    expect(warnings).toHaveLength(2);
  });

  test('an existing group/world-readable store folder is warned about and tightened to 0700', async () => {
    await mkdir(dir);
    await chmod(dir, 0o755);
    await store.save('github', sampleSession('github'));
    expect(warnings).toEqual([`${dir} had mode 0755, so other users could list or read its sessions; set it to 0700`]);
    expect(await modeOf(dir)).toBe('0700');
  });
});

test.describe('symlinks', () => {
  test('a session path that is a symlink is refused on load, save and update; the target is untouched', async () => {
    await store.save('real', sampleSession('real'));
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    await symlink(real, link);
    const before = await readFile(real);
    // All three at once, each rejection handled from the start (whichever settles first).
    const attempts = await Promise.all([store.load('link'), store.save('link', sampleSession('other')), store.update('link', (s) => s)].map(failure));
    for (const { code, message } of attempts) {
      expect(code).toBe('UNSAFE_PATH');
      expect(message).toBe(`${link} is a symbolic link; sessionjar refuses to read or write session files through links. Replace it with the file itself.`);
    }
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real)).toEqual(before);
  });
});

test.describe('bad files stay byte-for-byte unchanged', () => {
  const good = serializeSession(sampleSession('bad'));
  const typed = JSON.parse(good) as { cookies: { expires: unknown }[] };
  typed.cookies[0]!.expires = 'tomorrow';
  const crlf = JSON.parse(good) as { cookies: { value: string }[] };
  crlf.cookies[0]!.value = 'v\r\nX-Injected: 1';
  const polluting = { ...JSON.parse(good), login: { url: 'https://example.com/login', loggedOut: { jsonPath: '__proto__.polluted' } } };
  const cases = [
    { label: 'malformed', text: '{"version": 1, "name": }', code: 'SESSION_INVALID', says: 'not valid JSON' },
    { label: 'truncated', text: good.slice(0, Math.floor(good.length / 2)), code: 'SESSION_INVALID', says: 'not valid JSON' },
    { label: 'wrongly typed', text: JSON.stringify(typed), code: 'SESSION_INVALID', says: 'cookies[0].expires' },
    { label: 'CR/LF in a cookie value (issue 10)', text: JSON.stringify(crlf), code: 'SESSION_INVALID', says: 'cookies[0].value' },
    { label: '__proto__ in a JSON path (issue 10)', text: JSON.stringify(polluting), code: 'SESSION_INVALID', says: 'login.loggedOut.jsonPath' },
    { label: 'future version', text: JSON.stringify({ ...JSON.parse(good), version: 2 }), code: 'SESSION_TOO_NEW', says: 'written by a newer sessionjar (format version 2' },
  ];
  for (const { label, text, code, says } of cases) {
    test(`${label}: load, update and list report it naming the file; nothing is written`, async () => {
      await mkdir(dir, { mode: 0o700 });
      const file = join(dir, 'bad.json');
      await writeFile(file, text, { mode: 0o600 });
      const past = new Date('2026-01-01T00:00:00Z');
      await utimes(file, past, past);

      for (const attempt of [store.load('bad'), store.update('bad', () => sampleSession('bad'))]) {
        const error = await failure(attempt);
        expect(error.code).toBe(code);
        expect(error.message.startsWith(`${file}: `)).toBe(true);
        expect(error.message).toContain(says);
        expect(error.message).toContain('left unchanged');
      }
      const [entry] = await store.list();
      expect(entry?.name).toBe('bad');
      expect(entry?.session).toBeUndefined();
      expect(entry?.error?.message).toContain(says);

      expect(await readFile(file, 'utf8')).toBe(text);
      expect((await stat(file)).mtime).toEqual(past);
      expect(await readdir(dir)).toEqual(['bad.json']);
    });
  }
});

test.describe('refs', () => {
  test('a name must be safe as a file name', async () => {
    const { code, message } = await failure(store.load('a b'));
    expect(code).toBe('USAGE');
    expect(message).toBe('invalid session name "a b": use letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 128 characters), or give a path to a .json file.');
  });

  test('a path works as a ref and is not tied to the store folder', async () => {
    const file = join(root, 'elsewhere', 'mine.json');
    await store.save(file, sampleSession('mine'));
    expect(await store.load(file)).toEqual(sampleSession('mine'));
    expect(await modeOf(file)).toBe('0600');
    expect(store.locate(file)).toBe(file);
    expect(await store.list()).toEqual([]);
  });

  test('locate is relative to the working directory when inside it', () => {
    expect(new FileStore({ dir: 'recordings' }).locate('github')).toBe(join('recordings', 'github.json'));
    expect(new FileStore({ dir: join(process.cwd(), 'x') }).locate('github')).toBe(join('x', 'github.json'));
    expect(store.locate('github')).toBe(join(dir, 'github.json'));
    expect(relative(process.cwd(), store.locate('github')).startsWith('..')).toBe(true);
  });

  test('defaultStore: the dir given, else $SESSIONJAR_DIR, else ./recordings', () => {
    expect(defaultStore({ SESSIONJAR_DIR: '/srv/s' }, 'mine').dir).toBe(resolve('mine'));
    expect(defaultStore({ SESSIONJAR_DIR: '/srv/s' }).dir).toBe('/srv/s');
    expect(defaultStore({}).dir).toBe(resolve('recordings'));
  });

  test('a missing session names the file and the next step', async () => {
    expect(await failure(store.load('github'))).toEqual({
      code: 'SESSION_NOT_FOUND',
      message: `no session named "github" (looked for ${join(dir, 'github.json')}). Run \`sessionjar list\` to see the recorded sessions, or \`sessionjar record github --url <login-url>\` to record it.`,
    });
    const path = join(root, 'x.json');
    expect((await failure(store.load(path))).message).toBe(`no session file at ${path}. Check the path, or run \`sessionjar list\` to see the recorded sessions.`);
  });

  test('list skips temp, lock and non-json files and reports unreadable ones', async () => {
    await store.save('ok', sampleSession('ok'));
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, 'ok.json.lock'), '{}');
    await writeFile(join(dir, 'broken.json'), '[]');
    const entries = await store.list();
    expect(entries.map((e) => [e.name, e.error?.constructor.name ?? 'ok'])).toEqual([
      ['broken', 'SessionjarError'],
      ['ok', 'ok'],
    ]);
  });
});
