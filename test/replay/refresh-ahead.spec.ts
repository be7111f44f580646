import { expect, test } from '@playwright/test';
import { openSessionFrom } from '../../src/replay/client.js';
import type { Refresher, RefreshReason } from '../../src/replay/options.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

// Answers with the cookie header it got.
let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => res.end(req.headers.cookie ?? ''));
});
test.afterAll(() => server.close());

/**
 * A refresher whose refresh the test finishes by hand: stale while the session holds `sid=old`,
 * still valid until the test says it has expired.
 */
function heldRefresher(): { refresher: Refresher; reasons: RefreshReason[]; finish: () => void; expire: () => void } {
  const reasons: RefreshReason[] = [];
  let expired = false;
  let finish = () => {};
  const landed = new Promise<void>((resolve) => (finish = resolve));
  const refresher: Refresher = {
    isStale: (s) => s.cookies.some((c) => c.name === 'sid' && c.value === 'old'),
    stillValid: () => !expired,
    refresh: async (reason) => {
      reasons.push(reason);
      await landed;
      return sessionWith([cookie('sid', 'fresh', '127.0.0.1')], { generation: 1 });
    },
  };
  return { refresher, reasons, finish, expire: () => void (expired = true) };
}

/** One request of a client of its own: lets everything already started in this process run. */
async function roundTrip(): Promise<void> {
  const other = await openSessionFrom(sessionWith([]), {});
  await get(other);
  await other.close();
}

const get = async (client: Awaited<ReturnType<typeof openSessionFrom>>): Promise<string> => (await client.request(`${server.origin}/`)).body.text();

test('issue 19: an expiring session still valid is refreshed in the background: requests go on with it meanwhile and take the new one when it lands', async () => {
  const { refresher, reasons, finish } = heldRefresher();
  const client = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher });
  // The refresh never finishes until the test says so: these would hang if they waited for it.
  expect(await Promise.all([get(client), get(client), get(client)])).toEqual(['sid=old', 'sid=old', 'sid=old']);
  expect(await get(client)).toBe('sid=old');
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  finish();
  await expect.poll(() => get(client), { timeout: 5000 }).toBe('sid=fresh');
  expect(reasons).toHaveLength(1);
  await client.close();
});

test('issue 19: once the session has expired, a request waits for the refresh already in flight, and is sent with its result', async () => {
  const { refresher, reasons, finish, expire } = heldRefresher();
  const client = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher });
  expect(await get(client)).toBe('sid=old');
  expire();
  const waiting = get(client);
  // A round trip of another client: had the request not waited, it would have gone out with sid=old by now.
  await roundTrip();
  finish();
  expect(await waiting).toBe('sid=fresh');
  expect(reasons.map((r) => r.kind)).toEqual(['stale']);
  await client.close();
});

test('issue 19: closing a client waits for a refresh ahead of the expiry still running (a rotated refresh token must be saved)', async () => {
  const { refresher, finish } = heldRefresher();
  const client = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')]), { refresher });
  await get(client);
  let closed = false;
  const closing = client.close().then(() => (closed = true));
  await roundTrip();
  expect(closed).toBe(false);
  finish();
  await closing;
  expect(client.session.cookies.map((c) => c.value)).toEqual(['fresh']);
});
