import { createHmac, timingSafeEqual } from 'node:crypto';
import { SessionjarError } from '../core/errors.js';

/** Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), as authenticator apps make them. */

export interface TotpOptions {
  /** Unix time in milliseconds; default now. */
  now?: number;
  /** Seconds per code; default 30. */
  step?: number;
  /** Code length; default 6. */
  digits?: number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Decodes an RFC 4648 base32 secret as sites show it: case-insensitive, spaces, dashes and `=`
 * padding ignored. The error never quotes the secret.
 */
export function base32Decode(secret: string): Buffer {
  const clean = secret.replace(/[\s=-]/g, '').toUpperCase();
  if (clean.length === 0) {
    throw new SessionjarError('INPUT_INVALID', 'TOTP secret is empty; give the base32 secret the site showed when you set up the authenticator.');
  }
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    const value = ALPHABET.indexOf(clean[i]!);
    if (value < 0) {
      throw new SessionjarError(
        'INPUT_INVALID',
        `TOTP secret is not base32 (character ${i + 1} of ${clean.length} is not A-Z or 2-7); give the base32 secret the site showed when you set up the authenticator.`,
      );
    }
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function hotp(key: Buffer, counter: number, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(code % 10 ** digits).padStart(digits, '0');
}

/** The current code for a base32 secret. */
export function totp(secretBase32: string, options: TotpOptions = {}): string {
  const step = options.step ?? 30;
  const counter = Math.floor((options.now ?? Date.now()) / 1000 / step);
  return hotp(base32Decode(secretBase32), counter, options.digits ?? 6);
}

/**
 * Whether `code` is the code of this step or of one of `window` steps either side, the tolerance
 * servers allow for clock drift and a code typed just as it rolled over.
 */
export function verifyTotp(secretBase32: string, code: string, options: TotpOptions & { window?: number } = {}): boolean {
  const step = options.step ?? 30;
  const digits = options.digits ?? 6;
  if (!/^\d+$/.test(code) || code.length !== digits) return false;
  const key = base32Decode(secretBase32);
  const counter = Math.floor((options.now ?? Date.now()) / 1000 / step);
  const window = options.window ?? 1;
  for (let delta = -window; delta <= window; delta++) {
    if (timingSafeEqual(Buffer.from(hotp(key, counter + delta, digits)), Buffer.from(code))) return true;
  }
  return false;
}

/** RFC 4648 base32 without padding, the form authenticator setup pages show. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
