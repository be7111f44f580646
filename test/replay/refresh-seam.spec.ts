import { expect, test } from '@playwright/test';
import { openSessionFrom } from '../../src/replay/client.js';
import type { Refresher, RefreshReason } from '../../src/replay/options.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.headers.cookie !== 'sid=fresh') return void res.writeHead(401).end('logged out');
    res.end('welcome back');
  });
});
test.afterAll(() => server.close());

function refresherTo(value: string, reasons: RefreshReason[], stale = false): Refresher {
  return {
    isStale: () => stale && reasons.length === 0,
    refresh: async (reason) => {
      reasons.push(reason);
      await new Promise((r) => setTimeout(r, 50));
      return sessionWith([cookie('sid', value, '127.0.0.1')]);
    },
  };
}

test('a logged-out answer asks the refresher once, even for concurrent requests, and retries with the fresh state', async () => {
  const reasons: RefreshReason[] = [];
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher: refresherTo('fresh', reasons) });
  const bodies = await Promise.all(Array.from({ length: 5 }, async () => (await session.request(`${server.origin}/api`)).body.text()));
  expect(bodies).toEqual(Array(5).fill('welcome back'));
  expect(reasons.map((r) => [r.kind, r.url])).toEqual([['logged-out', `${server.origin}/api`]]);
  await session.close();
});

test('a refresh that does not help is SESSION_EXPIRED, not a loop', async () => {
  const reasons: RefreshReason[] = [];
  const session = await openSessionFrom(sessionWith([]), { refresher: refresherTo('still-bad', reasons) });
  await expect(session.request(`${server.origin}/api`)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  expect(reasons).toHaveLength(1);
  await session.close();
});

test('a stale session is refreshed before the request; autoRefresh: false leaves logged-out answers alone', async () => {
  const reasons: RefreshReason[] = [];
  const session = await openSessionFrom(sessionWith([]), { refresher: refresherTo('fresh', reasons, true) });
  expect(await (await session.request(`${server.origin}/api`)).body.text()).toBe('welcome back');
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  await session.close();

  const manual = await openSessionFrom(sessionWith([]), { refresher: refresherTo('fresh', []), autoRefresh: false });
  expect((await manual.request(`${server.origin}/api`)).status).toBe(401);
  await manual.close();
});

test('issue 10: a request without the session credentials (cookie: null, its own Authorization) never asks the refresher, stale or logged out', async () => {
  const reasons: RefreshReason[] = [];
  const session = await openSessionFrom(sessionWith([cookie('sid', 'fresh', '127.0.0.1')]), { refresher: refresherTo('fresh', reasons, true) });
  expect((await session.request(`${server.origin}/api`, { headers: { Cookie: null } })).status).toBe(401);
  expect((await session.request(`${server.origin}/api`, { headers: { authorization: 'Bearer mine' } })).status).toBe(200);
  expect(reasons).toEqual([]);
  // A Cookie value of the caller's own goes before the session's cookies: still the session's request.
  await expect(session.request(`${server.origin}/api`, { headers: { cookie: 'extra=1' } })).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  expect(reasons.map((r) => r.kind)).toEqual(['stale', 'logged-out']);
  await session.close();
});

test('issue 16: a header whose name merely contains auth or session (X-Session-Locale, X-Author) keeps the request the session\'s own: a 401 still refreshes', async () => {
  const reasons: RefreshReason[] = [];
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher: refresherTo('fresh', reasons) });
  const res = await session.request(`${server.origin}/api`, { headers: { 'X-Session-Locale': 'en', 'X-Author': 'me' } });
  expect(res.status).toBe(200);
  expect(await res.body.text()).toBe('welcome back');
  expect(reasons.map((r) => r.kind)).toEqual(['logged-out']);
  // A credential header of the caller's own (a CSRF token) still makes it not the session's request.
  const other = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher: refresherTo('fresh', reasons) });
  expect((await other.request(`${server.origin}/api`, { headers: { 'X-CSRF-Token': 'mine' } })).status).toBe(401);
  expect(reasons.map((r) => r.kind)).toEqual(['logged-out']);
  await session.close();
  await other.close();
});
