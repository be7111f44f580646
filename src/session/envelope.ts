import { SessionjarError } from '../core/errors.js';

/** node:crypto when a file is encrypted: loading it costs a cold `sessionjar request` of a plain file milliseconds. */
const crypto = () => process.getBuiltinModule('node:crypto');

/**
 * The whole-file encryption envelope of format version 1:
 *
 *   { "version": 1, "encrypted": { "format": "aes-256-gcm", "kdf": "scrypt",
 *     "kdfParams": { "N": 131072, "r": 8, "p": 1 }, "salt": "…", "nonce": "…", "ciphertext": "…", "tag": "…" } }
 *
 * The plaintext is the session file's JSON text. The header (version, format, kdf, kdfParams, salt)
 * is bound to the ciphertext as GCM additional data, so changing any part of the file fails
 * authentication. Binary fields are canonical padded base64; any other spelling is refused, so no
 * edit of the file text can decode to the same bytes.
 */

export const ENVELOPE_FORMAT = 'aes-256-gcm';
export type Kdf = 'scrypt' | 'none';

/** scrypt cost: N = 2^17 (~0.3-0.6 s, 128 MiB). Files with a larger N, up to 2^20, are read too. */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 4;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * Where the 32-byte key comes from: a passphrase stretched with scrypt, or a key used as it is
 * (from a key file; kdf "none").
 */
export type KeySource = { passphrase: string } | { key: Uint8Array };

export interface EnvelopeHeader {
  version: 1;
  format: typeof ENVELOPE_FORMAT;
  kdf: Kdf;
  kdfParams?: ScryptParams;
  salt?: string;
}

export interface EncryptedEnvelope {
  version: 1;
  encrypted: Omit<EnvelopeHeader, 'version'> & { nonce: string; ciphertext: string; tag: string };
}

export function kdfOf(key: KeySource): Kdf {
  return 'passphrase' in key ? 'scrypt' : 'none';
}

/**
 * Encrypts a session file's text. `reuse` is the header of the file being rewritten: when its kdf
 * matches the key source, its salt and parameters are kept so the cached key is reused (no second
 * scrypt); the nonce is always fresh.
 */
export async function encryptSession(plaintext: string, key: KeySource, reuse?: EnvelopeHeader): Promise<EncryptedEnvelope> {
  const kdf = kdfOf(key);
  const header: EnvelopeHeader =
    reuse && reuse.kdf === kdf
      ? headerOnly(reuse)
      : kdf === 'scrypt'
        ? { version: 1, format: ENVELOPE_FORMAT, kdf, kdfParams: { ...SCRYPT_PARAMS }, salt: crypto().randomBytes(16).toString('base64') }
        : { version: 1, format: ENVELOPE_FORMAT, kdf };
  const aesKey = await deriveKey(header, key, 'new file');
  const nonce = crypto().randomBytes(12);
  const cipher = crypto().createCipheriv('aes-256-gcm', aesKey, nonce);
  cipher.setAAD(aad(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const { version, ...rest } = header;
  return {
    version,
    encrypted: {
      ...rest,
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
  };
}

/**
 * Checks an envelope's shape and returns its header, or throws ENCRYPTION_ERROR naming the field.
 * `file` is for messages only.
 */
export function readEnvelopeHeader(doc: Record<string, unknown>, file: string): EnvelopeHeader {
  const fail = (detail: string): never => {
    throw new SessionjarError(
      'ENCRYPTION_ERROR',
      `${file}: not a valid encrypted session file: ${detail}. Nothing of it was used and the file was left unchanged; restore it from a backup or re-record the session.`,
      { details: { file } },
    );
  };
  if (typeof doc.version === 'number' && Number.isInteger(doc.version) && doc.version > 1) {
    throw new SessionjarError(
      'SESSION_TOO_NEW',
      `${file}: encrypted by a newer sessionjar (format version ${doc.version}; this sessionjar reads up to 1). Upgrade sessionjar to use it; the file was left unchanged.`,
      { details: { file, version: doc.version } },
    );
  }
  if (doc.version !== 1) fail('version must be 1');
  const extraTop = Object.keys(doc).filter((k) => k !== 'version' && k !== 'encrypted');
  if (extraTop.length > 0) fail(`unexpected field "${extraTop[0]}" next to "encrypted"`);
  const enc = doc.encrypted;
  if (typeof enc !== 'object' || enc === null || Array.isArray(enc)) return fail('encrypted must be an object');
  const e = enc as Record<string, unknown>;
  if (e.format !== ENVELOPE_FORMAT) fail(`encrypted.format must be "${ENVELOPE_FORMAT}"`);
  if (e.kdf !== 'scrypt' && e.kdf !== 'none') return fail('encrypted.kdf must be "scrypt" or "none"');
  const allowed = ['format', 'kdf', 'nonce', 'ciphertext', 'tag', ...(e.kdf === 'scrypt' ? ['kdfParams', 'salt'] : [])];
  const extra = Object.keys(e).filter((k) => !allowed.includes(k));
  if (extra.length > 0) fail(`unexpected field "encrypted.${extra[0]}" for kdf "${e.kdf}"`);
  for (const [field, length] of [['nonce', 12], ['tag', 16], ['ciphertext', -1]] as const) {
    const bytes = canonicalBase64(e[field]);
    if (!bytes || (length > 0 && bytes.length !== length)) {
      fail(`encrypted.${field} must be ${length > 0 ? `${length} bytes of ` : ''}canonical base64`);
    }
  }
  if (e.kdf === 'none') return { version: 1, format: ENVELOPE_FORMAT, kdf: 'none' };
  const salt = canonicalBase64(e.salt);
  if (!salt || salt.length < 16) fail('encrypted.salt must be at least 16 bytes of canonical base64');
  const params = e.kdfParams as Record<string, unknown> | undefined;
  const { N, r, p } = params ?? {};
  const okParams =
    typeof params === 'object' && params !== null && Object.keys(params).length === 3 &&
    isInt(N) && N >= SCRYPT_PARAMS.N && N <= MAX_N && (N & (N - 1)) === 0 &&
    isInt(r) && r >= 1 && r <= MAX_R && isInt(p) && p >= 1 && p <= MAX_P;
  if (!okParams) fail(`encrypted.kdfParams must be { N: a power of two from 2^17 to 2^20, r: 1-${MAX_R}, p: 1-${MAX_P} }`);
  return { version: 1, format: ENVELOPE_FORMAT, kdf: 'scrypt', kdfParams: { N: N as number, r: r as number, p: p as number }, salt: e.salt as string };
}

/**
 * Decrypts an envelope to the session file's text. A wrong key and any change to the file are
 * indistinguishable by design: both are ENCRYPTION_ERROR, and nothing of the plaintext is returned.
 */
export async function decryptEnvelope(doc: Record<string, unknown>, key: KeySource, file = 'session file'): Promise<string> {
  const header = readEnvelopeHeader(doc, file);
  const e = doc.encrypted as Record<string, string>;
  if (kdfOf(key) !== header.kdf) {
    throw new SessionjarError(
      'PASSPHRASE_REQUIRED',
      header.kdf === 'scrypt'
        ? `${file}: encrypted with a passphrase; set SESSIONJAR_PASSPHRASE or run in a terminal to type it.`
        : `${file}: encrypted with a key file; set SESSIONJAR_KEY_FILE to the file holding the key.`,
      { details: { file } },
    );
  }
  const aesKey = await deriveKey(header, key, file);
  try {
    const decipher = crypto().createDecipheriv('aes-256-gcm', aesKey, Buffer.from(e.nonce!, 'base64'));
    decipher.setAAD(aad(header));
    decipher.setAuthTag(Buffer.from(e.tag!, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(e.ciphertext!, 'base64')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new SessionjarError(
      'ENCRYPTION_ERROR',
      `${file}: cannot decrypt: wrong ${header.kdf === 'scrypt' ? 'passphrase' : 'key'}, or the file was modified (authentication failed). Nothing of it was used and the file was left unchanged.`,
      { cause: error, details: { file } },
    );
  }
}

/** The header of an envelope as it is bound into the ciphertext: keys sorted, no whitespace. */
export function canonicalHeader(header: EnvelopeHeader): string {
  return canonicalJson(headerOnly(header));
}

function aad(header: EnvelopeHeader): Buffer {
  return Buffer.from(canonicalHeader(header), 'utf8');
}

function headerOnly(h: EnvelopeHeader): EnvelopeHeader {
  return h.kdf === 'scrypt'
    ? { version: 1, format: h.format, kdf: h.kdf, kdfParams: { N: h.kdfParams!.N, r: h.kdfParams!.r, p: h.kdfParams!.p }, salt: h.salt! }
    : { version: 1, format: h.format, kdf: h.kdf };
}

function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

function canonicalBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * Derived keys, per process, by a hash of (passphrase, salt, params): a write-back rewrites with
 * the same salt, so scrypt runs once per process and file instead of once per write. Bounded so a
 * long-lived process touching many files does not grow without limit.
 */
const keyCache = new Map<string, Buffer>();
const KEY_CACHE_LIMIT = 64;

async function deriveKey(header: EnvelopeHeader, key: KeySource, file: string): Promise<Buffer> {
  if (!('passphrase' in key)) {
    if (key.key.length !== 32) {
      throw new SessionjarError('ENCRYPTION_ERROR', `${file}: the key must be 32 bytes; got ${key.key.length}.`, { details: { file } });
    }
    return Buffer.from(key.key);
  }
  const { N, r, p } = header.kdfParams!;
  const passphrase = key.passphrase.normalize('NFC');
  const id = crypto().createHash('sha256')
    .update(JSON.stringify([passphrase, header.salt, N, r, p]))
    .digest('hex');
  const cached = keyCache.get(id);
  if (cached) return cached;
  const derived = await new Promise<Buffer>((resolve, reject) => {
    // Node refuses scrypt above 32 MiB unless maxmem is raised; 128·N·r is the working set, doubled for headroom.
    crypto().scrypt(passphrase, Buffer.from(header.salt!, 'base64'), 32, { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 }, (error, k) =>
      error ? reject(new SessionjarError('ENCRYPTION_ERROR', `${file}: key derivation failed: ${error.message}`, { cause: error })) : resolve(k),
    );
  });
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, derived);
  return derived;
}
