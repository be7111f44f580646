import { expect, test } from '@playwright/test';
import type { IncomingHttpHeaders } from 'node:http';
import { openSessionFrom } from '../../src/replay/client.js';
import { HeaderPolicy } from '../../src/replay/headers.js';
import { SessionCookieJar } from '../../src/replay/jar.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

let api: TestServer;
const seen: IncomingHttpHeaders[] = [];
test.beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    seen.push(req.headers);
    // The server rotates the CSRF cookie, URI-encoded as Angular/Laravel do.
    if (req.url === '/rotate') res.setHeader('set-cookie', 'XSRF-TOKEN=new%3Dvalue%2B2; Path=/');
    res.end('ok');
  });
});
test.afterAll(() => api.close());

test('header rules: a stored JSON token as Bearer, a CSRF cookie decoded, both read from the current state', async () => {
  const origin = api.origin;
  const session = await openSessionFrom(
    sessionWith([cookie('XSRF-TOKEN', 'first%3Done', '127.0.0.1', { httpOnly: false })], {
      origins: [{ origin, localStorage: { auth: JSON.stringify({ user: { token: 'jwt-abc' } }) }, sessionStorage: {} }],
      headers: {
        default: { 'User-Agent': 'rec/1', 'Accept-Language': 'fr' },
        origins: { [origin]: { 'X-Tenant': 't1' }, 'http://localhost:1': { 'X-Tenant': 'other' } },
        rules: [
          { header: 'Authorization', from: { storage: 'localStorage', origin, key: 'auth', jsonPath: 'user.token' }, template: 'Bearer {value}', origins: [origin] },
          { header: 'X-XSRF-TOKEN', from: { cookie: 'XSRF-TOKEN' }, template: '{value}', origins: [origin] },
          { header: 'X-Elsewhere', from: { cookie: 'XSRF-TOKEN' }, template: '{value}', origins: ['http://localhost:1'] },
        ],
      },
    }),
    { headers: { 'user-agent': 'mine/2', 'X-Client': 'script' } },
  );
  seen.length = 0;
  await (await session.request(`${origin}/rotate`)).body.text();
  await (await session.request(`${origin}/after`, { headers: { 'X-Request': 'one' } })).body.text();
  expect(seen[0]).toMatchObject({
    'user-agent': 'mine/2',
    'accept-language': 'fr',
    'x-client': 'script',
    'x-tenant': 't1',
    authorization: 'Bearer jwt-abc',
    'x-xsrf-token': 'first=one',
  });
  expect(seen[0]?.['x-elsewhere']).toBeUndefined();
  expect(seen[1]).toMatchObject({ 'x-xsrf-token': 'new=value+2', 'x-request': 'one', authorization: 'Bearer jwt-abc' });
  expect(seen[1]?.cookie).toBe('XSRF-TOKEN=new%3Dvalue%2B2');

  session.clear();
  await (await session.request(`${origin}/cleared`)).body.text();
  expect(seen[2]?.authorization).toBeUndefined();
  expect(seen[2]?.['x-xsrf-token']).toBeUndefined();
  expect(seen[2]?.['x-tenant']).toBeUndefined();
  expect(seen[2]?.['user-agent']).toBe('mine/2');
  await session.close();
});

test('a per-request header replaces the recorded one whatever its case', async () => {
  const session = await openSessionFrom(sessionWith([], { headers: { default: { 'User-Agent': 'rec/1' }, origins: {}, rules: [] } }));
  seen.length = 0;
  await (await session.request(`${api.origin}/x`, { headers: { 'USER-AGENT': 'override/3' } })).body.text();
  expect(seen[0]?.['user-agent']).toBe('override/3');
  await session.close();
});

test('cookies access: set, get, header, list', async () => {
  const session = await openSessionFrom(sessionWith([]));
  session.cookies.set('a=1; Path=/app', `${api.origin}/app/page`);
  session.cookies.set('b=2; Path=/', `${api.origin}/`);
  expect(session.cookies.header(`${api.origin}/app/x`)).toBe('a=1; b=2');
  expect(session.cookies.header(`${api.origin}/other`)).toBe('b=2');
  expect(session.cookies.get(`${api.origin}/other`).map((c) => c.name)).toEqual(['b']);
  expect(session.cookies.list()).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'a', domain: '127.0.0.1', path: '/app', hostOnly: true, expires: null })]),
  );
  seen.length = 0;
  await (await session.request(`${api.origin}/app/y`)).body.text();
  expect(seen[0]?.cookie).toBe('a=1; b=2');
  expect(session.session.cookies).toHaveLength(2);
  await session.close();
});

test('header rules are read again when a cookie they read changes, and only then', () => {
  const origin = 'http://127.0.0.1:9';
  const session = sessionWith([cookie('sid', 'a', '127.0.0.1'), cookie('csrf', 'one', '127.0.0.1', { httpOnly: false })], {
    headers: {
      default: { 'User-Agent': 'rec/1' },
      origins: { [origin]: { Authorization: 'Bearer t' } },
      rules: [{ header: 'X-CSRF', from: { cookie: 'csrf' }, template: '{value}', origins: [origin] }],
    },
  });
  const jar = new SessionCookieJar(session.cookies);
  const policy = new HeaderPolicy(session, jar);
  const first = policy.forOrigin(origin);
  expect(first).toEqual({ 'user-agent': 'rec/1', authorization: 'Bearer t', 'x-csrf': 'one' });
  // The server rotating another cookie, or setting this one to the same value, changes nothing:
  // the same object, so the client's cache of built headers holds.
  jar.storeSetCookies('sid=b; Path=/', `${origin}/`);
  expect(policy.forOrigin(origin)).toBe(first);
  jar.storeSetCookies('csrf=one; Path=/', `${origin}/`);
  expect(policy.forOrigin(origin)).toBe(first);
  jar.storeSetCookies('csrf=two; Path=/', `${origin}/`);
  expect(policy.forOrigin(origin)['x-csrf']).toBe('two');
  jar.storeSetCookies('csrf=; Max-Age=0; Path=/', `${origin}/`);
  expect(policy.forOrigin(origin)).toEqual({ 'user-agent': 'rec/1', authorization: 'Bearer t' });
});
