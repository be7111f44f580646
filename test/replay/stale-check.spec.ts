import { expect, test } from '@playwright/test';
import { openSessionFrom } from '../../src/replay/client.js';
import type { Refresher, RefreshReason } from '../../src/replay/options.js';
import type { Session } from '../../src/session/schema/index.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

// The server sets whatever `sid` the path names: /set/<value>.
let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const value = /^\/set\/(\w+)/.exec(req.url ?? '')?.[1];
    if (value) res.setHeader('set-cookie', `sid=${value}; Path=/`);
    res.end('ok');
  });
});
test.afterAll(() => server.close());

const sid = (session: Session): string | undefined => session.cookies.find((c) => c.name === 'sid')?.value;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function recording(isStale: (session: Session) => boolean, reasons: RefreshReason[]): Refresher {
  return {
    isStale,
    refresh: async (reason) => {
      reasons.push(reason);
      return sessionWith([cookie('sid', 'relogged', '127.0.0.1')]);
    },
  };
}

test('a cookie the server renewed a moment ago is not re-logged in, though its old value has become stale', async () => {
  const reasons: RefreshReason[] = [];
  const staleFrom = Date.now() + 300;
  // Stale by the clock unless the server renewed sid: a login nearing its expiry, then renewed.
  const refresher = recording((s) => sid(s) !== 'renewed' && Date.now() >= staleFrom, reasons);
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher });
  await (await session.request(`${server.origin}/set/renewed`)).body.text();
  await sleep(400);
  await (await session.request(`${server.origin}/plain`)).body.text();
  expect(reasons).toEqual([]);
  expect(session.cookies.header(`${server.origin}/`)).toBe('sid=renewed');
  await session.close();
});

test('a cookie change that makes the session stale is noticed within a second, and re-logs in once', async () => {
  const reasons: RefreshReason[] = [];
  const refresher = recording((s) => sid(s) === 'doomed', reasons);
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher });
  await (await session.request(`${server.origin}/set/doomed`)).body.text();
  await sleep(1100);
  await Promise.all(Array.from({ length: 3 }, async () => (await session.request(`${server.origin}/plain`)).body.text()));
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  expect(session.cookies.header(`${server.origin}/`)).toBe('sid=relogged');
  await session.close();
});

test('a refresher that gave up on a refresh ahead of the expiry is not asked to refresh again on the next request', async () => {
  const reasons: RefreshReason[] = [];
  let gaveUp = false;
  // As createRefresher after a failed refresh of a still-valid session: the same session back, no longer stale.
  const refresher: Refresher = {
    isStale: () => !gaveUp,
    refresh: async (reason) => {
      reasons.push(reason);
      gaveUp = true;
      return reason.session as Session;
    },
  };
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher });
  for (let i = 0; i < 5; i++) await (await session.request(`${server.origin}/plain`)).body.text();
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  await session.close();
});

test('a refresher that gives the session back unchanged leaves the cookies the server set since', async () => {
  const reasons: RefreshReason[] = [];
  let stale = false;
  // As createRefresher when a refresh ahead of the expiry fails: the session it was given, back.
  const refresher: Refresher = {
    isStale: () => stale && reasons.length === 0,
    refresh: async (reason) => {
      reasons.push(reason);
      return reason.session as Session;
    },
  };
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher });
  await (await session.request(`${server.origin}/set/rotated`)).body.text();
  stale = true;
  await sleep(1100);
  await (await session.request(`${server.origin}/plain`)).body.text();
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  expect(session.cookies.header(`${server.origin}/`)).toBe('sid=rotated');
  await session.close();
});
