import { expect, test } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { openSessionFrom } from '../../src/replay/client.js';
import type { Refresher, RefreshReason } from '../../src/replay/options.js';
import { PEEK_LIMIT } from '../../src/replay/peek.js';
import type { Login } from '../../src/session/schema/index.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

// Like many apps, this one answers 200 when the session is gone: a JSON error from its API, a
// sign-in page from its HTML routes. Only the body tells.
const BIG = 'x'.repeat(PEEK_LIMIT + 4 * 1024 * 1024);
let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const fresh = req.headers.cookie === 'sid=fresh';
    if (req.url === '/api/me') {
      res.setHeader('content-type', 'application/json');
      res.end(fresh ? '{"user":"demo"}' : '{"error":{"code":"login_required"}}');
    } else if (req.url === '/page') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(fresh ? '<h1>Your account</h1>' : '<form>Please sign in</form>'));
    } else if (req.url === '/big') {
      // Chunked, no Content-Length: too long to look at, streamed on whole.
      res.setHeader('content-type', 'text/plain');
      res.write(BIG.slice(0, 1000));
      setTimeout(() => res.end(BIG.slice(1000)), 20);
    } else {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(Buffer.from([0, 1, 2, 255]));
    }
  });
});
test.afterAll(() => server.close());

const login: Login = {
  url: 'https://example.com/login',
  env: [],
  loggedOut: { statuses: [401], redirectTo: [], jsonPath: 'error.code', bodyRegex: 'Please sign in' },
};

function refresher(reasons: RefreshReason[]): Refresher {
  return {
    refresh: async (reason) => {
      reasons.push(reason);
      return sessionWith([cookie('sid', 'fresh', '127.0.0.1')], { login });
    },
  };
}

test('a 200 whose JSON has loggedOut.jsonPath is logged out: refreshed once, then answered', async () => {
  const reasons: RefreshReason[] = [];
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')], { login }), { refresher: refresher(reasons) });
  const res = await session.request(`${server.origin}/api/me`);
  expect(await res.body.json()).toEqual({ user: 'demo' });
  expect(reasons.map((r) => [r.kind, r.url])).toEqual([['logged-out', `${server.origin}/api/me`]]);
  await session.close();
});

test('a sign-in page matching loggedOut.bodyRegex is logged out, also through fetch() and gzip', async () => {
  const reasons: RefreshReason[] = [];
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')], { login }), { refresher: refresher(reasons) });
  const res = await session.fetch(`${server.origin}/page`);
  expect(await res.text()).toBe('<h1>Your account</h1>');
  expect(reasons).toHaveLength(1);
  await session.close();
});

test('bodies looked at are handed back whole; long and binary ones are not looked at and stream on', async () => {
  const reasons: RefreshReason[] = [];
  // One connection: a body left hanging would hold up every later request.
  const session = await openSessionFrom(sessionWith([cookie('sid', 'fresh', '127.0.0.1')], { login }), {
    refresher: refresher(reasons),
    connections: 1,
    timeouts: { total: 5_000 },
  });
  expect(await (await session.request(`${server.origin}/api/me`)).body.text()).toBe('{"user":"demo"}');
  expect(await (await session.request(`${server.origin}/big`)).body.text()).toBe(BIG);
  expect([...new Uint8Array(await (await session.fetch(`${server.origin}/bin`)).arrayBuffer())]).toEqual([0, 1, 2, 255]);
  // A long body dropped half-read frees its connection: the next request still goes through.
  (await session.request(`${server.origin}/big`)).body.destroy();
  const next = await session.request(`${server.origin}/api/me`, { signal: AbortSignal.timeout(2_000) });
  expect(next.status).toBe(200);
  await next.body.dump();
  expect(reasons).toEqual([]);
  await session.close();
});

test('without a refresher the body is not read ahead: the logged-out JSON comes back as it is', async () => {
  const session = await openSessionFrom(sessionWith([cookie('sid', 'old', '127.0.0.1')], { login }));
  expect(await (await session.request(`${server.origin}/api/me`)).body.json()).toEqual({ error: { code: 'login_required' } });
  await session.close();
});
