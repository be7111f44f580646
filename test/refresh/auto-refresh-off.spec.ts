import { expect, test } from '@playwright/test';
import { openSession } from '../../src/refresh/open.js';
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSessionFrom } from '../../src/replay/client.js';
import type { ClientOptions } from '../../src/replay/options.js';
import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

// Issue 17: `autoRefresh: false` means one thing through both entry points (openSession of the
// library and openSessionFrom), with or without a refresher: refreshing is off entirely. A stale
// session is used as it is, and a logged-out answer is returned as it came.

const nowS = () => Math.floor(Date.now() / 1000);
function jwt(exp: number, sub: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub, exp })}.sig`;
}
/** Expired by the file's clock: the session is stale. The server still takes it until it is revoked. */
const OLD = jwt(nowS() - 5, 'old');

/** /api/me answers 200 with the bearer token it got while that token is not revoked, else 401; /oauth/token grants new ones. */
let server: TestServer;
let grants = 0;
const revoked = new Set<string>();
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/oauth/token') {
      grants++;
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: jwt(nowS() + 3600, `new-${grants}`), refresh_token: `rt-${grants}` })));
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || revoked.has(token)) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
  });
});
test.afterAll(() => server.close());
test.beforeEach(() => {
  grants = 0;
  revoked.clear();
});

/** A session whose access token expired by the file's clock (stale), with a refresh token the built-in refresher can trade. */
function staleSession(): Session {
  const origin = server.origin;
  const ref = { storage: 'localStorage' as const, origin, key: 'auth' };
  return {
    ...newSession('app'),
    origins: [{ origin, localStorage: { auth: JSON.stringify({ access_token: OLD, refresh_token: 'rt-0' }) }, sessionStorage: {} }],
    headers: { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from: { ...ref, jsonPath: 'access_token' }, origins: [origin] }] },
    tokens: {
      jwts: [{ from: { ...ref, jsonPath: 'access_token' }, exp: null }],
      oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: { ...ref, jsonPath: 'access_token' } },
    },
  };
}

/** Both entry points, each with and without a refresher of its own, all with `autoRefresh: false`. */
async function clientsOff(): Promise<[string, Awaited<ReturnType<typeof openSessionFrom>>][]> {
  const store = new MemoryStore();
  await store.save('app', staleSession());
  const refresher = () => createRefresher({ store, name: 'app', interactive: false });
  const off: ClientOptions = { store, autoRefresh: false };
  return [
    ['openSession', await openSession('app', { ...off, refresh: { interactive: false } })],
    ['openSession + refresher', await openSession('app', { ...off, refresher: refresher() })],
    ['openSessionFrom + refresher', await openSessionFrom(staleSession(), { ...off, refresher: refresher() })],
  ];
}

test('issue 17: with refresh on, the stale session is refreshed before the request (the control)', async () => {
  const store = new MemoryStore();
  await store.save('app', staleSession());
  const session = await openSession('app', { store, refresh: { interactive: false } });
  const res = await session.request(`${server.origin}/api/me`);
  expect(res.status).toBe(200);
  const sent = ((await res.body.json()) as { token: string }).token;
  expect(sent).not.toBe(OLD);
  expect(JSON.parse(Buffer.from(sent.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({ sub: 'new-1' });
  expect(grants).toBe(1);
  await session.close();
});

test('issue 17: autoRefresh: false uses a stale session as it is, through openSession and openSessionFrom, with or without a refresher', async () => {
  for (const [entry, session] of await clientsOff()) {
    const res = await session.request(`${server.origin}/api/me`);
    expect({ entry, status: res.status, body: await res.body.json(), grants }).toEqual({ entry, status: 200, body: { token: OLD }, grants: 0 });
    await session.close();
  }
});

test('issue 17: autoRefresh: false returns a logged-out answer as it came, through both entry points', async () => {
  revoked.add(OLD);
  for (const [entry, session] of await clientsOff()) {
    const res = await session.request(`${server.origin}/api/me`);
    expect({ entry, status: res.status, body: await res.body.text(), grants }).toEqual({ entry, status: 401, body: '{"error":"invalid_token"}', grants: 0 });
    await session.close();
  }
});
