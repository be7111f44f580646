import { expect, test } from '@playwright/test';
import { canonicalHeaderName, deriveHeaders, findTokens } from '../../src/record/derive.js';
import { findJsonPath, findStateRef } from '../../src/session/derive-rules.js';
import { parseBody, type SeenRequest } from '../../src/record/wire.js';
import { newSession } from '../../src/session/new-session.js';
import type { Cookie, Session } from '../../src/session/schema/index.js';
import { readStateRef } from '../../src/session/state-ref.js';

const APP = 'https://app.example';
const API = 'https://api.example';

function jwt(payload: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function cookie(name: string, value: string): Cookie {
  return { name, value, domain: 'app.example', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: true };
}

function session(parts: Partial<Session>): Session {
  return { ...newSession('t', new Date('2026-01-01T00:00:00Z')), ...parts };
}

function request(url: string, headers: Record<string, string>, resourceType = 'fetch'): SeenRequest {
  return { url, method: 'GET', resourceType, headers };
}

const ACCESS = jwt({ sub: 'u1', exp: 1_900_000_000 });

test('findJsonPath finds a string nested in objects and arrays as a dot path', () => {
  expect(findJsonPath({ auth: { tokens: [{ a: 'x' }, { access_token: 'T' }] } }, 'T')).toBe('auth.tokens.1.access_token');
  expect(findJsonPath({ a: 'T' }, 'nope')).toBeUndefined();
  expect(findJsonPath('T', 'T')).toBeUndefined();
});

test('a Bearer header whose token is a JSON field in localStorage becomes a rule, scoped to the origin it went to', () => {
  const s = session({ origins: [{ origin: APP, localStorage: { auth: JSON.stringify({ user: { access_token: ACCESS }, n: 1 }) }, sessionStorage: {} }] });
  const headers = deriveHeaders(s, [
    request(`${APP}/`, { 'user-agent': 'Mozilla/5.0 Chrome/156', 'accept-language': 'en-US,en;q=0.9' }, 'document'),
    request(`${API}/v1/me`, { authorization: `Bearer ${ACCESS}`, 'user-agent': 'Mozilla/5.0 Chrome/156' }),
  ]);
  expect(headers).toEqual({
    default: { 'User-Agent': 'Mozilla/5.0 Chrome/156', 'Accept-Language': 'en-US,en;q=0.9' },
    origins: {},
    rules: [{ header: 'Authorization', from: { storage: 'localStorage', origin: APP, key: 'auth', jsonPath: 'user.access_token' }, template: 'Bearer {value}', origins: [API] }],
  });
});

test('a CSRF header equal to a cookie becomes a cookie rule; the same rule to two origins is one rule', () => {
  const s = session({ cookies: [cookie('XSRF-TOKEN', 'abc123xyz')] });
  const { rules } = deriveHeaders(s, [request(`${APP}/a`, { 'x-xsrf-token': 'abc123xyz' }), request(`${API}/b`, { 'x-xsrf-token': 'abc123xyz' })]);
  expect(rules).toEqual([{ header: 'X-XSRF-Token', from: { cookie: 'XSRF-TOKEN', domain: 'app.example', path: '/' }, template: '{value}', origins: [APP, API] }]);
});

test('a header found nowhere in the state is kept as a copy for its own origin only; Cookie is never copied', () => {
  const { origins, rules } = deriveHeaders(session({}), [
    request(`${API}/x`, { 'x-api-key': 'k-1', cookie: 'a=b', 'x-csrf-token': 'one' }),
    request(`${API}/y`, { 'x-csrf-token': 'two', accept: 'text/html' }),
  ]);
  expect(rules).toEqual([]);
  expect(origins).toEqual({ [API]: { 'X-API-Key': 'k-1', 'X-CSRF-Token': 'two' } });
});

test('sessionStorage values are found, preferring the origin the header went to', () => {
  const s = session({
    origins: [
      { origin: API, localStorage: {}, sessionStorage: { token: 'same-value' } },
      { origin: APP, localStorage: {}, sessionStorage: { token: 'same-value' } },
    ],
  });
  expect(findStateRef(s, 'same-value', APP)).toEqual({ storage: 'sessionStorage', origin: APP, key: 'token' });
  expect(findStateRef(s, 'absent')).toBeUndefined();
});

test('a URI-encoded cookie yields a rule only when the rule evaluator would send the header value', () => {
  const s = session({ cookies: [cookie('XSRF-TOKEN', 'a%2Bb%3D')] });
  const decodes = readStateRef(s, { cookie: 'XSRF-TOKEN' }) === 'a+b=';
  const decoded = deriveHeaders(s, [request(`${APP}/`, { 'x-xsrf-token': 'a+b=' })]);
  expect(decoded.rules.length).toBe(decodes ? 1 : 0);
  expect(decoded.origins).toEqual(decodes ? {} : { [APP]: { 'X-XSRF-Token': 'a+b=' } });
  expect(deriveHeaders(s, [request(`${APP}/`, { 'x-xsrf-token': 'a%2Bb%3D' })]).rules).toHaveLength(1);
});

test('JWTs in storage, cookies and frozen headers are listed once each with their exp; garbage is tolerated', () => {
  const other = jwt({ sub: 'x' });
  const s = session({
    cookies: [cookie('id_token', other), cookie('junk', 'aa.bb.cc')],
    origins: [{ origin: APP, localStorage: { auth: JSON.stringify({ access_token: ACCESS }), copy: ACCESS, bad: '{not json' }, sessionStorage: {} }],
  });
  const headerJwt = jwt({ exp: 1_800_000_000 });
  const tokens = findTokens(s, { [API]: { Authorization: `Bearer ${headerJwt}` } }, []);
  expect(tokens).toEqual({
    jwts: [
      { from: { storage: 'localStorage', origin: APP, key: 'auth', jsonPath: 'access_token' }, exp: 1_900_000_000 },
      { from: { cookie: 'id_token', domain: 'app.example', path: '/' }, exp: null },
      { from: { header: 'Authorization', origin: API }, exp: 1_800_000_000 },
    ],
  });
  expect(findTokens(session({}), {}, [])).toBeUndefined();
});

test('OAuth: endpoint from a grant_type POST, else the declared one; refresh token located in state', () => {
  const s = session({ origins: [{ origin: APP, localStorage: { auth: JSON.stringify({ access_token: 'at-2', refresh_token: 'rt-2' }) }, sessionStorage: {} }] });
  const login = { url: `${APP}/api/login`, refreshToken: 'rt-1', accessToken: 'at-1' };
  const refresh = { url: `${APP}/oauth/token`, grantType: 'refresh_token', clientId: 'spa', refreshToken: 'rt-2', accessToken: 'at-2' };
  const authRef = { storage: 'localStorage', origin: APP, key: 'auth' } as const;
  expect(findTokens(s, {}, [login, refresh])?.oauth).toEqual({
    tokenEndpoint: `${APP}/oauth/token`,
    refreshToken: { ...authRef, jsonPath: 'refresh_token' },
    accessToken: { ...authRef, jsonPath: 'access_token' },
    clientId: 'spa',
  });
  const onlyLogin = { ...login, refreshToken: 'rt-2', accessToken: 'at-2' };
  expect(findTokens(s, {}, [onlyLogin])).toBeUndefined();
  expect(findTokens(s, {}, [onlyLogin], `${APP}/oauth/token`)?.oauth?.tokenEndpoint).toBe(`${APP}/oauth/token`);
});

test('request bodies: form-encoded and JSON fields; header names in their usual spelling', () => {
  expect(parseBody('grant_type=refresh_token&refresh_token=a%2Bb')).toEqual({ grant_type: 'refresh_token', refresh_token: 'a+b' });
  expect(parseBody('{"grant_type":"password","n":1}')).toEqual({ grant_type: 'password' });
  expect(parseBody('{broken')).toEqual({});
  expect(canonicalHeaderName('x-xsrf-token')).toBe('X-XSRF-Token');
  expect(canonicalHeaderName('authorization')).toBe('Authorization');
  expect(canonicalHeaderName('x-api-key')).toBe('X-API-Key');
});
