import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isSessionjarError } from '../../src/core/errors.js';
import { openSession } from '../../src/replay/client.js';
import { newSession } from '../../src/session/new-session.js';
import { serializeSession, type Session } from '../../src/session/schema/index.js';
import { FileStore } from '../../src/store/file-store.js';
import { envKeyProvider, fixedKeyProvider } from '../../src/store/keys.js';
import { bundleCli } from '../helpers/cli-browser.js';
import { startHttpServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASS = { passphrase: 'store-test-passphrase' };
const keys = fixedKeyProvider(PASS);

function session(name: string, value = 'first-cookie-value-123'): Session {
  const s = newSession(name);
  s.cookies.push({ name: 'sid', value, domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false });
  return s;
}

function freshStore(): { dir: string; store: FileStore } {
  const dir = tempDir('sj-enc-store-');
  return { dir, store: new FileStore({ dir, keys, onWarning: () => undefined }) };
}

function envelope(path: string): { version: number; encrypted: Record<string, unknown> } {
  return JSON.parse(readFileSync(path, 'utf8'));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSessionjarError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

test('save --encrypt, load, update: the file stays encrypted, same salt, fresh nonce, 0600', async () => {
  const { dir, store } = freshStore();
  const path = join(dir, 'a.json');
  await store.save('a', session('a'), { encrypt: true });
  const first = envelope(path);
  expect(readFileSync(path, 'utf8')).not.toContain('first-cookie-value-123');
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect((await store.load('a')).cookies[0]!.value).toBe('first-cookie-value-123');
  await store.update('a', (s) => ({ ...s, cookies: [{ ...s.cookies[0]!, value: 'second-cookie-value-456' }] }));
  const second = envelope(path);
  expect(second.encrypted.salt).toBe(first.encrypted.salt);
  expect(second.encrypted.nonce).not.toBe(first.encrypted.nonce);
  expect(readFileSync(path, 'utf8')).not.toContain('second-cookie-value-456');
  expect((await store.load('a')).cookies[0]!.value).toBe('second-cookie-value-456');
  // A plain save over it keeps it encrypted unless asked otherwise.
  await store.save('a', session('a', 'third-cookie-value-789'));
  expect(envelope(path).encrypted.format).toBe('aes-256-gcm');
  expect(await store.isEncrypted('a')).toBe(true);
});

test('a plain file stays plain through update; setEncryption switches both ways and is idempotent', async () => {
  const { dir, store } = freshStore();
  const path = join(dir, 'p.json');
  await store.save('p', session('p'));
  await store.update('p', (s) => s);
  expect(readFileSync(path, 'utf8')).toContain('first-cookie-value-123');
  expect(await store.setEncryption('p', true)).toBe(true);
  expect(await store.setEncryption('p', true)).toBe(false);
  expect(await store.isEncrypted('p')).toBe(true);
  const updatedAt = (await store.load('p')).updatedAt;
  expect(await store.setEncryption('p', false)).toBe(true);
  expect(await store.setEncryption('p', false)).toBe(false);
  expect(readFileSync(path, 'utf8')).toContain('first-cookie-value-123');
  // Encrypting is not a change to the session: updatedAt stays.
  expect((await store.load('p')).updatedAt).toBe(updatedAt);
  expect(statSync(path).mode & 0o777).toBe(0o600);
});

const parts: [string, (e: Record<string, unknown>) => void][] = [
  ['format', (e) => void (e.format = 'aes-256-gcx')],
  ['kdf', (e) => void (e.kdf = 'scryp')],
  ['kdfParams', (e) => void ((e.kdfParams as { r: number }).r = 16)],
  ['salt', (e) => void (e.salt = flip(e.salt as string))],
  ['nonce', (e) => void (e.nonce = flip(e.nonce as string))],
  ['ciphertext', (e) => void (e.ciphertext = flip(e.ciphertext as string))],
  ['tag', (e) => void (e.tag = flip(e.tag as string))],
];

function flip(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x80;
  return bytes.toString('base64');
}

for (const [part, tamper] of parts) {
  test(`a flipped ${part} is ENCRYPTION_ERROR on load and update, and the file is left byte for byte`, async () => {
    const { dir, store } = freshStore();
    const path = join(dir, 't.json');
    await store.save('t', session('t'), { encrypt: true });
    const doc = envelope(path);
    tamper(doc.encrypted);
    writeFileSync(path, JSON.stringify(doc, null, 2));
    const before = readFileSync(path);
    expect(await codeOf(store.load('t'))).toBe('ENCRYPTION_ERROR');
    expect(await codeOf(store.update('t', (s) => s))).toBe('ENCRYPTION_ERROR');
    expect(await codeOf(store.setEncryption('t', false))).toBe('ENCRYPTION_ERROR');
    expect(readFileSync(path).equals(before)).toBe(true);
    const listed = await store.list();
    expect(isSessionjarError(listed[0]?.error, 'ENCRYPTION_ERROR')).toBe(true);
  });
}

test('a wrong passphrase, or none, fails without touching the file', async () => {
  const { dir, store } = freshStore();
  const path = join(dir, 'w.json');
  await store.save('w', session('w'), { encrypt: true });
  const before = readFileSync(path);
  const wrong = new FileStore({ dir, keys: fixedKeyProvider({ passphrase: 'not it' }) });
  await expect(wrong.load('w')).rejects.toThrow(/w\.json: cannot decrypt: wrong passphrase, or the file was modified \(authentication failed\)/);
  expect(await codeOf(wrong.update('w', (s) => s))).toBe('ENCRYPTION_ERROR');
  const none = new FileStore({ dir, keys: null });
  await expect(none.load('w')).rejects.toThrow(/w\.json: this session file is encrypted and no key was given; set SESSIONJAR_PASSPHRASE/);
  expect(await codeOf(none.save('w', session('w')))).toBe('PASSPHRASE_REQUIRED');
  expect(readFileSync(path).equals(before)).toBe(true);
});

test('round trip through the replay client: a rotated cookie is written back, still encrypted', async () => {
  let seen = '';
  const server = await startHttpServer((req, res) => {
    seen = req.headers.cookie ?? '';
    res.setHeader('Set-Cookie', 'sid=rotated-by-server-000111; Path=/; HttpOnly');
    res.end('ok');
  });
  try {
    const { dir, store } = freshStore();
    const path = join(dir, 'r.json');
    await store.save('r', session('r'), { encrypt: true });
    const salt = envelope(path).encrypted.salt;
    const client = await openSession('r', { store });
    const res = await client.request(`${server.origin}/x`);
    expect(await res.body.text()).toBe('ok');
    await client.close();
    expect(seen).toBe('sid=first-cookie-value-123');
    expect(envelope(path).encrypted.salt).toBe(salt);
    expect(readFileSync(path, 'utf8')).not.toContain('rotated-by-server-000111');
    expect((await store.load('r')).cookies.find((c) => c.name === 'sid')?.value).toBe('rotated-by-server-000111');
  } finally {
    await server.close();
  }
});

function sh(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', script], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }),
    );
  });
}

test('under umask 000, encrypt and decrypt through the CLI write 0600 files in a 0700 folder', async () => {
  const root = tempDir('sj-umask-');
  const dir = join(root, 'recordings');
  const bundle = await bundleCli('umask');
  const cli = `${process.execPath} ${bundle} --dir ${dir}`;
  const env = { SESSIONJAR_PASSPHRASE: 'umask-pass' };
  const seed = join(root, 'seed.json');
  writeFileSync(seed, serializeSession(session('u')), { mode: 0o666 });
  // Copy in with the loose umask, as a user's own tools would.
  let run = await sh(`umask 000; mkdir ${dir} && cp ${seed} ${dir}/u.json && ${cli} encrypt u`, env);
  expect(run.out).toContain(`encrypted ${join(dir, 'u.json')}`);
  expect(run.code).toBe(0);
  expect(statSync(join(dir, 'u.json')).mode & 0o777).toBe(0o600);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  run = await sh(`umask 000; ${cli} decrypt u`, env);
  expect(run.code).toBe(0);
  expect(statSync(join(dir, 'u.json')).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(dir, 'u.json'), 'utf8')).toContain('first-cookie-value-123');
  rmSync(dirname(bundle), { recursive: true, force: true });
});

test('a key file encrypts with kdf "none"; reading it then needs the key file, not a passphrase', async () => {
  const { dir } = freshStore();
  const keyFile = join(dir, '..', `${Date.now()}-${process.pid}.key`);
  writeFileSync(keyFile, `${Buffer.alloc(32, 7).toString('hex')}\n`, { mode: 0o600 });
  const withKey = new FileStore({ dir, keys: envKeyProvider({ env: { SESSIONJAR_KEY_FILE: keyFile }, prompt: false }) });
  await withKey.save('k', session('k'), { encrypt: true });
  expect(envelope(join(dir, 'k.json')).encrypted).not.toHaveProperty('salt');
  expect(envelope(join(dir, 'k.json')).encrypted.kdf).toBe('none');
  expect((await withKey.load('k')).cookies[0]!.value).toBe('first-cookie-value-123');
  const withPassphrase = new FileStore({ dir, keys: envKeyProvider({ env: { SESSIONJAR_PASSPHRASE: 'p' }, prompt: false }) });
  await expect(withPassphrase.load('k')).rejects.toThrow(/k\.json: encrypted with a key file; set SESSIONJAR_KEY_FILE to the file holding the key\./);
  rmSync(keyFile);
});
