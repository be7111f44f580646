import { expect, test } from '@playwright/test';
import { effectiveMargin, expiringFrom, relativeTime, sessionExpiry } from '../../src/session/expiry.js';
import { newSession } from '../../src/session/new-session.js';
import type { Cookie, Session } from '../../src/session/schema/index.js';

const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);
const nowS = NOW / 1000;

function jwt(payload: unknown): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(payload)}.sig`;
}

function cookie(name: string, expires: number | null, domain = 'app.example'): Cookie {
  return { name, value: 'v', domain, hostOnly: true, path: '/', expires, httpOnly: true, secure: false };
}

function withCookies(...cookies: Cookie[]): Session {
  return { ...newSession('s'), cookies };
}

test('the earliest auth cookie decides, with the 60 s margin by default', () => {
  const s = withCookies(cookie('sid', nowS + 3600), cookie('remember_me', nowS + 86400), cookie('_ga', nowS + 30));
  expect(sessionExpiry(s, { now: NOW })).toEqual({ state: 'valid', expiresAt: nowS + 3600, source: 'cookie "sid" (app.example)' });
  expect(sessionExpiry(s, { now: NOW + 3550_000 }).state).toBe('expiring');
  expect(sessionExpiry(s, { now: NOW + 3550_000, marginSeconds: 5 }).state).toBe('valid');
  expect(sessionExpiry(s, { now: NOW + 3600_000 }).state).toBe('expired');
});

test('analytics cookies never decide; without auth-looking names every other cookie counts', () => {
  expect(sessionExpiry(withCookies(cookie('_ga', nowS + 10), cookie('_gid', nowS + 10)), { now: NOW })).toEqual({ state: 'unknown' });
  expect(sessionExpiry(withCookies(cookie('_gid', nowS + 10), cookie('x', nowS + 900)), { now: NOW }).source).toBe('cookie "x" (app.example)');
});

test('session cookies do not expire by time: unknown', () => {
  expect(sessionExpiry(withCookies(cookie('sid', null)), { now: NOW })).toEqual({ state: 'unknown' });
});

test('the login success cookie is the one that counts when the file names it', () => {
  const s = { ...withCookies(cookie('app_session', null), cookie('sso_user', nowS + 10)), login: { url: 'https://app.example/login', env: [], success: { cookie: 'app_session' } } };
  expect(sessionExpiry(s, { now: NOW })).toEqual({ state: 'unknown' });
});

test('a JWT in localStorage, also inside a JSON value, sets the expiry', () => {
  const s: Session = {
    ...withCookies(cookie('sid', nowS + 86400)),
    origins: [
      { origin: 'https://spa.example', localStorage: { auth: JSON.stringify({ user: 'u', tokens: { access: jwt({ exp: nowS + 300 }) } }), theme: 'dark' }, sessionStorage: {} },
    ],
  };
  expect(sessionExpiry(s, { now: NOW })).toEqual({ state: 'valid', expiresAt: nowS + 300, source: 'JWT in localStorage "auth" (https://spa.example)' });
});

test('a header rule points at the token that counts; other JWTs in storage are ignored', () => {
  const s: Session = {
    ...newSession('s'),
    origins: [{ origin: 'https://spa.example', localStorage: { at: jwt({ exp: nowS - 10 }), old: jwt({ exp: nowS - 99999 }) }, sessionStorage: {} }],
    headers: { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from: { storage: 'localStorage', origin: 'https://spa.example', key: 'at' }, origins: ['https://api.example'] }] },
  };
  expect(sessionExpiry(s, { now: NOW })).toEqual({ state: 'expired', expiresAt: nowS - 10, source: 'JWT in localStorage "at" (https://spa.example)' });
});

test('a JWT in a per-origin Authorization header counts', () => {
  const s: Session = { ...newSession('s'), headers: { default: {}, origins: { 'https://api.example': { Authorization: `Bearer ${jwt({ exp: nowS + 30 })}` } }, rules: [] } };
  expect(sessionExpiry(s, { now: NOW })).toEqual({ state: 'expiring', expiresAt: nowS + 30, source: 'JWT in header "Authorization" (https://api.example)' });
});

test('opaque tokens, garbage and millisecond exp leave the expiry unknown', () => {
  const s: Session = {
    ...newSession('s'),
    origins: [{ origin: 'https://spa.example', localStorage: { a: 'opaque-123456', b: jwt({ exp: NOW + 300_000 }), c: 'eyJ.garbage.', d: '{not json' }, sessionStorage: {} }],
    headers: { default: {}, origins: { 'https://api.example': { Authorization: 'Bearer gho_abcdef0123456789' } }, rules: [] },
  };
  expect(sessionExpiry(s, { now: NOW })).toEqual({ state: 'unknown' });
});

test('recorded token refs are re-read: a refreshed token moves the expiry', () => {
  const s: Session = {
    ...newSession('s'),
    origins: [{ origin: 'https://spa.example', localStorage: { at: jwt({ exp: nowS + 600 }) }, sessionStorage: {} }],
    tokens: { jwts: [{ from: { storage: 'localStorage', origin: 'https://spa.example', key: 'at' }, exp: nowS - 100 }] },
  };
  expect(sessionExpiry(s, { now: NOW })).toMatchObject({ state: 'valid', expiresAt: nowS + 600 });
});

test('relativeTime (status and inspect share it): two units at most, future and past', () => {
  const now = 1_000_000_000_000;
  expect(relativeTime(now / 1000 + 3570, now)).toBe('in 59m 30s');
  expect(relativeTime(now / 1000 - 185, now)).toBe('3m 5s ago');
  expect(relativeTime(now / 1000 + 3 * 86400 + 4 * 3600 + 59, now)).toBe('in 3d 4h');
  expect(relativeTime(now / 1000, now)).toBe('in 0s');
  // A round number keeps its second unit: status output must not change shape on the exact second.
  expect(relativeTime(now / 1000 + 3600, now)).toBe('in 1h 0m');
  expect(relativeTime(now / 1000 - 120, now)).toBe('2m 0s ago');
  expect(relativeTime(now / 1000 + 86400 + 59, now)).toBe('in 1d 0h');
});

// Issue 10: a credential shorter-lived than the margin was "expiring" from the moment it was issued.
test('a credential gets at most half its known lifetime as margin (JWT iat, cookie setAt)', () => {
  expect(effectiveMargin(60, 30)).toBe(15);
  expect(effectiveMargin(60, 3600)).toBe(60);
  expect(effectiveMargin(60, undefined)).toBe(60);
  expect(effectiveMargin(60, -5)).toBe(60);
  const token: Session = { ...newSession('s'), headers: { default: {}, origins: { 'https://api.example': { Authorization: `Bearer ${jwt({ iat: nowS, exp: nowS + 30 })}` } }, rules: [] } };
  expect(sessionExpiry(token, { now: NOW }).state).toBe('valid');
  expect(sessionExpiry(token, { now: NOW + 14_000 }).state).toBe('valid');
  expect(sessionExpiry(token, { now: NOW + 15_000 }).state).toBe('expiring');
  expect(sessionExpiry(token, { now: NOW + 30_000 }).state).toBe('expired');
  expect(expiringFrom(token)).toBe(nowS + 15);
  const fresh = withCookies({ ...cookie('sid', nowS + 30), setAt: NOW });
  expect(sessionExpiry(fresh, { now: NOW + 10_000 }).state).toBe('valid');
  expect(sessionExpiry(fresh, { now: NOW + 16_000 }).state).toBe('expiring');
  // No issue time: the margin as given.
  expect(sessionExpiry(withCookies(cookie('sid', nowS + 30)), { now: NOW }).state).toBe('expiring');
  // The earliest of the credentials' own expiring times decides, not the earliest expiry's.
  const both = withCookies({ ...cookie('sid', nowS + 40), setAt: NOW - 3600_000 }, { ...cookie('auth', nowS + 30), setAt: NOW });
  expect(expiringFrom(both)).toBe(nowS - 20);
  expect(sessionExpiry(both, { now: NOW })).toEqual({ state: 'expiring', expiresAt: nowS + 30, source: 'cookie "auth" (app.example)' });
});
