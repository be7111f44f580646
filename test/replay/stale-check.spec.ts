import { expect, test } from '@playwright/test';
import { openSessionFrom } from '../../src/replay/client.js';
import type { Refresher, RefreshReason } from '../../src/replay/options.js';
import { STALE_RECHECK_MS } from '../../src/replay/pipeline/stale-check.js';
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

/** The client's clock and the refresher's: moved by the test, never by waiting. */
function testClock(): { now: () => number; advance: (ms: number) => void } {
  let at = Date.parse('2026-12-01T10:00:00Z');
  return { now: () => at, advance: (ms) => void (at += ms) };
}

function recording(isStale: (session: Session) => boolean, reasons: RefreshReason[]): Refresher {
  return {
    isStale,
    refresh: async (reason) => {
      reasons.push(reason);
      return sessionWith([cookie('sid', 'relogged', '127.0.0.1')]);
    },
  };
}

async function get(session: Awaited<ReturnType<typeof openSessionFrom>>, path: string): Promise<void> {
  await (await session.request(`${server.origin}${path}`)).body.text();
}

test('a cookie the server renewed a moment ago is not re-logged in, though its old value has become stale', async () => {
  const clock = testClock();
  const reasons: RefreshReason[] = [];
  const staleFrom = clock.now() + 300;
  // Stale by the clock unless the server renewed sid: a login nearing its expiry, then renewed.
  const refresher = recording((s) => sid(s) !== 'renewed' && clock.now() >= staleFrom, reasons);
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher, now: clock.now });
  await get(session, '/set/renewed');
  clock.advance(400);
  await get(session, '/plain');
  clock.advance(STALE_RECHECK_MS);
  await get(session, '/plain');
  expect(reasons).toEqual([]);
  expect(session.cookies.header(`${server.origin}/`)).toBe('sid=renewed');
  await session.close();
});

test('issue 16: a stale verdict is checked on the live cookies before a re-login: a cookie renewed since the verdict keeps the session', async () => {
  const clock = testClock();
  const reasons: RefreshReason[] = [];
  // The old sid is stale whatever the time; the refresher gives up (the session back, unchanged),
  // and the server renews sid within the same second: the next request must not log in again.
  const refresher: Refresher = {
    isStale: (s) => sid(s) !== 'renewed',
    refresh: async (reason) => {
      reasons.push(reason);
      return reason.session as Session;
    },
  };
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher, now: clock.now });
  await get(session, '/set/renewed');
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  clock.advance(STALE_RECHECK_MS / 2);
  await get(session, '/plain');
  await get(session, '/plain');
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  expect(session.cookies.header(`${server.origin}/`)).toBe('sid=renewed');
  await session.close();
});

test('a cookie change that makes the session stale is noticed within a second, and re-logs in once', async () => {
  const clock = testClock();
  const reasons: RefreshReason[] = [];
  const refresher = recording((s) => sid(s) === 'doomed', reasons);
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher, now: clock.now });
  await get(session, '/set/doomed');
  clock.advance(STALE_RECHECK_MS);
  await Promise.all(Array.from({ length: 3 }, () => get(session, '/plain')));
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
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher, now: testClock().now });
  for (let i = 0; i < 5; i++) await get(session, '/plain');
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  await session.close();
});

test('a refresher that gives the session back unchanged leaves the cookies the server set since', async () => {
  const clock = testClock();
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
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher, now: clock.now });
  await get(session, '/set/rotated');
  stale = true;
  clock.advance(STALE_RECHECK_MS);
  await get(session, '/plain');
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  expect(session.cookies.header(`${server.origin}/`)).toBe('sid=rotated');
  await session.close();
});
