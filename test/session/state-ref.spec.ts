import { expect, test } from '@playwright/test';
import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { readStateRef, writeStateRef } from '../../src/session/state-ref.js';

const base: Session = {
  ...newSession('s'),
  cookies: [{ name: 'XSRF', value: 'x1', domain: 'app.example', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false }],
  origins: [{ origin: 'https://app.example', localStorage: { auth: '{"a":{"token":"t1"},"keep":1}', plain: 'p1' }, sessionStorage: {} }],
};

test('reads a storage key, a JSON field under it and a cookie', () => {
  expect(readStateRef(base, { storage: 'localStorage', origin: 'https://app.example', key: 'plain' })).toBe('p1');
  expect(readStateRef(base, { storage: 'localStorage', origin: 'https://app.example', key: 'auth', jsonPath: 'a.token' })).toBe('t1');
  expect(readStateRef(base, { storage: 'localStorage', origin: 'https://app.example', key: 'auth', jsonPath: 'a.none' })).toBeUndefined();
  expect(readStateRef(base, { cookie: 'XSRF', domain: '.app.example' })).toBe('x1');
  expect(readStateRef(base, { cookie: 'XSRF', domain: 'other.example' })).toBeUndefined();
});

test('writes keep the rest of the JSON value and never touch the original', () => {
  const ref = { storage: 'localStorage' as const, origin: 'https://app.example', key: 'auth', jsonPath: 'a.token' };
  const next = writeStateRef(base, ref, 't2');
  expect(readStateRef(next, ref)).toBe('t2');
  expect(JSON.parse(next.origins[0]?.localStorage.auth ?? '')).toEqual({ a: { token: 't2' }, keep: 1 });
  expect(readStateRef(base, ref)).toBe('t1');
  const created = writeStateRef(base, { storage: 'sessionStorage', origin: 'https://new.example', key: 'k' }, 'v');
  expect(readStateRef(created, { storage: 'sessionStorage', origin: 'https://new.example', key: 'k' })).toBe('v');
  const cookie = writeStateRef(base, { cookie: 'XSRF' }, 'x2', 1234);
  expect(cookie.cookies[0]).toMatchObject({ value: 'x2', setAt: 1234 });
});
