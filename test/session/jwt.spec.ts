import { expect, test } from '@playwright/test';
import { decodeJwtPayload, jwtExpiry, looksLikeJwt } from '../../src/session/jwt.js';

function jwt(payload: unknown): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

test('exp of a well-formed JWT, with or without a Bearer prefix', () => {
  const token = jwt({ sub: 'u1', exp: 1_900_000_000 });
  expect(jwtExpiry(token)).toBe(1_900_000_000);
  expect(jwtExpiry(`Bearer ${token}`)).toBe(1_900_000_000);
  expect(decodeJwtPayload(token)).toEqual({ sub: 'u1', exp: 1_900_000_000 });
});

test('an exp that looks like milliseconds is unknown, not a date in the year 62000', () => {
  expect(jwtExpiry(jwt({ exp: 1_900_000_000_000 }))).toBeUndefined();
});

test('missing, non-numeric or negative exp is unknown', () => {
  expect(jwtExpiry(jwt({ sub: 'u1' }))).toBeUndefined();
  expect(jwtExpiry(jwt({ exp: '1900000000' }))).toBeUndefined();
  expect(jwtExpiry(jwt({ exp: -5 }))).toBeUndefined();
  expect(jwtExpiry(jwt({ exp: null }))).toBeUndefined();
});

test('garbage and opaque tokens never throw', () => {
  const garbage = [
    '',
    'abc',
    'a.b.c',
    'gho_16C7e42F292c6912E7710c838347Ae178B4a',
    'eyJhbGciOi.!!!.x',
    `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('not json').toString('base64url')}.`,
    `${Buffer.from('{}').toString('base64url')}.${Buffer.from('[1,2]').toString('base64url')}.sig`,
    'Bearer ',
    '....',
  ];
  for (const value of garbage) {
    expect(decodeJwtPayload(value), value).toBeUndefined();
    expect(jwtExpiry(value), value).toBeUndefined();
  }
  expect(looksLikeJwt('gho_16C7e42F292c6912E7710c838347Ae178B4a')).toBe(false);
});
