import { expect, test } from '@playwright/test';
import { base32Decode, base32Encode, totp, verifyTotp } from '../../src/session/totp.js';

// RFC 6238 appendix B: the SHA-1 secret is the ASCII "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('matches the RFC 6238 SHA-1 test vectors (8 digits)', () => {
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, code] of vectors) expect(totp(RFC_SECRET, { now: seconds * 1000, digits: 8 })).toBe(code);
});

test('six digits by default, the same within a 30 s step, another in the next', () => {
  expect(totp(RFC_SECRET, { now: 59_000 })).toBe('287082');
  expect(totp(RFC_SECRET, { now: 30_000 })).toBe('287082');
  expect(totp(RFC_SECRET, { now: 60_000 })).not.toBe('287082');
});

test('base32 as sites print it: lower case, spaces, dashes and padding are accepted', () => {
  expect(base32Decode('gezd gnbv-gy3t qojq gezd gnbv gy3t qojq==').toString()).toBe('12345678901234567890');
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
  expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
});

test('a secret that is not base32 names the position, never the secret', () => {
  expect(() => totp('ABCD1EFG')).toThrow('TOTP secret is not base32 (character 5 of 8 is not A-Z or 2-7)');
  expect(() => totp('  ')).toThrow('TOTP secret is empty');
});

test('verifyTotp allows one step of drift either side and nothing more', () => {
  const now = 1_700_000_000_000;
  const at = (deltaSteps: number) => totp(RFC_SECRET, { now: now + deltaSteps * 30_000 });
  expect(verifyTotp(RFC_SECRET, at(0), { now })).toBe(true);
  expect(verifyTotp(RFC_SECRET, at(-1), { now })).toBe(true);
  expect(verifyTotp(RFC_SECRET, at(1), { now })).toBe(true);
  expect(verifyTotp(RFC_SECRET, at(-2), { now })).toBe(false);
  expect(verifyTotp(RFC_SECRET, at(2), { now })).toBe(false);
  expect(verifyTotp(RFC_SECRET, '12345', { now })).toBe(false);
  expect(verifyTotp(RFC_SECRET, 'abcdef', { now })).toBe(false);
});
