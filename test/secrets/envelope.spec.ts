import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isSessionjarError } from '../../src/core/errors.js';
import {
  canonicalHeader,
  decryptEnvelope,
  encryptSession,
  readEnvelopeHeader,
  type EncryptedEnvelope,
} from '../../src/session/envelope.js';
import { envKeyProvider, readKeyFile } from '../../src/store/keys.js';
import { tempDir } from '../helpers/temp-dir.js';

const PLAIN = JSON.stringify({ version: 1, name: 'x', cookies: [{ name: 'sid', value: 'SECRET-COOKIE-VALUE' }] });
const pass = { passphrase: 'correct horse battery staple' };
const file = 'recordings/x.json';

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp | string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isSessionjarError(error) ? error.code : error).toBe(code);
    if (message) {
      if (typeof message === 'string') expect((error as Error).message).toBe(message);
      else expect((error as Error).message).toMatch(message);
    }
    return;
  }
  throw new Error(`expected ${code}`);
}

function clone(e: EncryptedEnvelope): Record<string, unknown> & { encrypted: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(e));
}

/** Flips the lowest bit of byte `index` of a base64 field. */
function flipByte(b64: string, index = 0): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[index] = bytes[index]! ^ 1;
  return bytes.toString('base64');
}

test.describe.configure({ mode: 'serial' });

let sealed: EncryptedEnvelope;

test('a passphrase round trip: scrypt N=2^17 r=8 p=1, 12-byte nonce, 16-byte tag, no plaintext in the file', async () => {
  const started = performance.now();
  sealed = await encryptSession(PLAIN, pass);
  const firstMs = performance.now() - started;
  const text = JSON.stringify(sealed);
  expect(text).not.toContain('SECRET-COOKIE-VALUE');
  expect(Object.keys(sealed)).toEqual(['version', 'encrypted']);
  expect(sealed.encrypted).toMatchObject({ format: 'aes-256-gcm', kdf: 'scrypt', kdfParams: { N: 131072, r: 8, p: 1 } });
  expect(Buffer.from(sealed.encrypted.nonce, 'base64')).toHaveLength(12);
  expect(Buffer.from(sealed.encrypted.tag, 'base64')).toHaveLength(16);
  expect(Buffer.from(sealed.encrypted.salt!, 'base64')).toHaveLength(16);
  expect(await decryptEnvelope(clone(sealed), pass, file)).toBe(PLAIN);
  // The header bound as additional data: sorted keys, no whitespace.
  expect(canonicalHeader(readEnvelopeHeader(clone(sealed), file))).toBe(
    `{"format":"aes-256-gcm","kdf":"scrypt","kdfParams":{"N":131072,"p":1,"r":8},"salt":"${sealed.encrypted.salt}","version":1}`,
  );
  test.info().annotations.push({ type: 'scrypt first derivation ms', description: firstMs.toFixed(0) });
});

test('a rewrite keeps the salt, draws a fresh nonce, and reuses the derived key (no second scrypt)', async () => {
  const header = readEnvelopeHeader(clone(sealed), file);
  const started = performance.now();
  const again = await encryptSession(PLAIN, pass, header);
  const rewriteMs = performance.now() - started;
  expect(again.encrypted.salt).toBe(sealed.encrypted.salt);
  expect(again.encrypted.nonce).not.toBe(sealed.encrypted.nonce);
  expect(again.encrypted.ciphertext).not.toBe(sealed.encrypted.ciphertext);
  expect(rewriteMs).toBeLessThan(50);
  expect(await decryptEnvelope(clone(again), pass, file)).toBe(PLAIN);
  test.info().annotations.push({ type: 'cached rewrite ms', description: rewriteMs.toFixed(1) });
});

test('a wrong passphrase is an authentication error that reveals nothing', async () => {
  await expectCode(
    decryptEnvelope(clone(sealed), { passphrase: 'wrong' }, file),
    'ENCRYPTION_ERROR',
    'recordings/x.json: cannot decrypt: wrong passphrase, or the file was modified (authentication failed). Nothing of it was used and the file was left unchanged.',
  );
});

const tampers: [string, (d: ReturnType<typeof clone>) => void][] = [
  ['nonce byte', (d) => void (d.encrypted.nonce = flipByte(d.encrypted.nonce as string, 5))],
  ['ciphertext first byte', (d) => void (d.encrypted.ciphertext = flipByte(d.encrypted.ciphertext as string, 0))],
  ['ciphertext last byte', (d) => void (d.encrypted.ciphertext = flipByte(d.encrypted.ciphertext as string, PLAIN.length - 1))],
  ['tag byte', (d) => void (d.encrypted.tag = flipByte(d.encrypted.tag as string, 15))],
  ['salt byte', (d) => void (d.encrypted.salt = flipByte(d.encrypted.salt as string, 3))],
  ['kdfParams.r', (d) => void ((d.encrypted.kdfParams as { r: number }).r = 9)],
  ['kdfParams.N', (d) => void ((d.encrypted.kdfParams as { N: number }).N = 131073)],
  ['kdfParams extra field', (d) => void ((d.encrypted.kdfParams as Record<string, number>).q = 1)],
  ['kdf', (d) => void (d.encrypted.kdf = 'scryps')],
  ['kdf downgraded to none', (d) => void (d.encrypted.kdf = 'none')],
  ['format', (d) => void (d.encrypted.format = 'aes-256-gcn')],
  ['envelope version', (d) => void (d.version = 0)],
  ['an extra top-level field', (d) => void (d.cookies = [])],
  // 16 bytes in base64 leave 4 spare bits in the last character: a non-canonical spelling must not pass.
  ['tag padding bits', (d) => void (d.encrypted.tag = (d.encrypted.tag as string).replace(/.(?==+$)/, (c) => String.fromCharCode(c.charCodeAt(0) + 1)))],
  ['nonce character made invalid', (d) => void (d.encrypted.nonce = `!${(d.encrypted.nonce as string).slice(1)}`)],
];

for (const [part, tamper] of tampers) {
  test(`tampering with the ${part} is ENCRYPTION_ERROR`, async () => {
    const doc = clone(sealed);
    tamper(doc);
    await expectCode(decryptEnvelope(doc, pass, file), 'ENCRYPTION_ERROR', /^recordings\/x\.json: (cannot decrypt|not a valid encrypted session file)/);
  });
}

test('an envelope from a newer format version is SESSION_TOO_NEW, not a decryption attempt', async () => {
  const doc = clone(sealed);
  doc.version = 2;
  await expectCode(decryptEnvelope(doc, pass, file), 'SESSION_TOO_NEW', /encrypted by a newer sessionjar \(format version 2/);
});

test('a raw key (kdf none) round trips; the wrong key fails; a passphrase file needs a passphrase', async () => {
  const key = randomBytes(32);
  const env = await encryptSession(PLAIN, { key });
  expect(env.encrypted).toEqual({ format: 'aes-256-gcm', kdf: 'none', nonce: expect.any(String), ciphertext: expect.any(String), tag: expect.any(String) });
  expect(await decryptEnvelope(clone(env), { key }, file)).toBe(PLAIN);
  await expectCode(decryptEnvelope(clone(env), { key: randomBytes(32) }, file), 'ENCRYPTION_ERROR', /wrong key, or the file was modified/);
  await expectCode(
    decryptEnvelope(clone(sealed), { key }, file),
    'PASSPHRASE_REQUIRED',
    'recordings/x.json: encrypted with a passphrase; set SESSIONJAR_PASSPHRASE or run in a terminal to type it.',
  );
});

test('key files: 64 hex digits, base64 or 32 raw bytes; anything else is refused without echoing it', () => {
  const dir = tempDir('sj-keys-');
  const key = randomBytes(32);
  const write = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  expect(Buffer.from(readKeyFile(write('hex', `${key.toString('hex')}\n`)))).toEqual(key);
  expect(Buffer.from(readKeyFile(write('b64', `${key.toString('base64')}\n`)))).toEqual(key);
  expect(Buffer.from(readKeyFile(write('raw', key)))).toEqual(key);
  const bad = write('bad', 'hunter2-not-a-key\n');
  expect(() => readKeyFile(bad)).toThrow(
    `SESSIONJAR_KEY_FILE: "${bad}" does not hold a 32-byte key (18 bytes; expected 64 hex digits, 44 characters of base64, or 32 raw bytes). Create one with \`openssl rand -hex 32 > ${bad}\`.`,
  );
  expect(() => readKeyFile(bad)).not.toThrow(/hunter2/);
  expect(() => readKeyFile(join(dir, 'missing'))).toThrow(/SESSIONJAR_KEY_FILE: cannot read ".*missing" \(ENOENT\)/);
});

test('envKeyProvider: passphrase env, then key file, then prompt; none → PASSPHRASE_REQUIRED saying how', async () => {
  const dir = tempDir('sj-keys-');
  const keyFile = join(dir, 'key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  expect(await envKeyProvider({ env: { SESSIONJAR_PASSPHRASE: 'p1', SESSIONJAR_KEY_FILE: keyFile }, prompt: false }).keyFor(file)).toEqual({ passphrase: 'p1' });
  expect(await envKeyProvider({ env: { SESSIONJAR_KEY_FILE: keyFile }, prompt: false }).keyFor(file)).toHaveProperty('key');
  // A file encrypted with a passphrase asks for one even when a key file is set.
  await expectCode(envKeyProvider({ env: { SESSIONJAR_KEY_FILE: keyFile }, prompt: false }).keyFor(file, 'scrypt'), 'PASSPHRASE_REQUIRED');
  await expectCode(
    envKeyProvider({ env: {}, prompt: false }).keyFor(file),
    'PASSPHRASE_REQUIRED',
    'recordings/x.json: encrypting needs a passphrase or key and none is available: set SESSIONJAR_PASSPHRASE, or SESSIONJAR_KEY_FILE to a file holding a 32-byte key (64 hex digits, base64, or 32 raw bytes), or run in a terminal to type the passphrase.',
  );
  await expectCode(
    envKeyProvider({ env: {}, prompt: false }).keyFor(file, 'none'),
    'PASSPHRASE_REQUIRED',
    'recordings/x.json: encrypted with a key file; set SESSIONJAR_KEY_FILE to the file holding the key.',
  );
  const questions: string[] = [];
  const provider = envKeyProvider({ env: {}, prompt: async (q) => (questions.push(q), 'typed') });
  expect(await provider.keyFor(file)).toEqual({ passphrase: 'typed' });
  expect(await provider.keyFor('recordings/y.json', 'scrypt')).toEqual({ passphrase: 'typed' });
  // Encrypting asks twice (confirmation); later files reuse what was typed.
  expect(questions).toEqual(['Passphrase for recordings/x.json: ', 'Repeat the passphrase: ']);
  let n = 0;
  await expectCode(
    envKeyProvider({ env: {}, prompt: async () => (n++ === 0 ? 'one' : 'two') }).keyFor(file),
    'PASSPHRASE_REQUIRED',
    'recordings/x.json: the two passphrases differ; nothing was written. Run the command again.',
  );
});

test('flipping any single bit of any byte of a key-file envelope is refused', async () => {
  const key = randomBytes(32);
  const text = JSON.stringify(await encryptSession(PLAIN, { key }));
  let refused = 0;
  for (let i = 0; i < text.length; i++) {
    for (const bit of [1, 4]) {
      const changed = text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ bit) + text.slice(i + 1);
      let doc: unknown;
      try {
        doc = JSON.parse(changed);
      } catch {
        refused++;
        continue;
      }
      // The version digit turned into 5 reads as a newer format: refused too, nothing decrypted.
      const error = await decryptEnvelope(doc as Record<string, unknown>, { key }, file).then(() => undefined, (e: unknown) => e);
      expect(isSessionjarError(error) && (error.code === 'ENCRYPTION_ERROR' || (i < 12 && error.code === 'SESSION_TOO_NEW'))).toBe(true);
      refused++;
    }
  }
  expect(refused).toBe(text.length * 2);
});
