import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, openSessionFrom } from '../../src/replay/client.js';
import { FileStore } from '../../src/store/file-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { WRITE_DELAY_MS } from '../../src/replay/write-back.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

let server: TestServer;
test.beforeAll(async () => {
  let n = 0;
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/me') {
      const sid = /(?:^|; )sid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
      if (!sid) return void res.writeHead(401).end('no cookie');
      // Rotates the session cookie on every call, as many servers do.
      res.setHeader('set-cookie', `sid=rotated-${++n}; Path=/; HttpOnly`);
      return void res.end(`hello ${sid}`);
    }
    if (url.pathname === '/login-hop') {
      res.writeHead(302, { location: '/me', 'set-cookie': 'sid=from-302; Path=/' });
      return void res.end();
    }
    if (url.pathname === '/logout') {
      res.writeHead(200, { 'set-cookie': 'sid=; Path=/; Max-Age=0' });
      return void res.end('bye');
    }
    if (url.pathname === '/echo-cookie') return void res.end(req.headers.cookie ?? '');
    res.writeHead(404).end();
  });
});
test.afterAll(() => server.close());

test('cookies round trip: sent from the session file, rotated, written back, reloaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sj-replay-'));
  try {
    const store = new FileStore({ dir });
    await store.save('app', { ...sessionWith([cookie('sid', 'recorded', '127.0.0.1')]), name: 'app' });
    const session = await openSession('app', { store });
    const res = await session.request(`${server.origin}/me`);
    expect(res.status).toBe(200);
    expect(await res.body.text()).toBe('hello recorded');
    const rotated = session.cookies.list().find((c) => c.name === 'sid')?.value;
    expect(rotated).toMatch(/^rotated-\d+$/);
    await session.close();

    const reloaded = await store.load('app');
    expect(reloaded.cookies.map((c) => [c.name, c.value])).toEqual([['sid', rotated]]);
    expect(reloaded.cookies[0]?.setAt).toBeGreaterThan(Date.now() - 60_000);
    const again = await openSession('app', { store });
    expect(await (await again.request(`${server.origin}/me`)).body.text()).toBe(`hello ${rotated}`);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Set-Cookie on a 302 is stored and sent on the next hop', async () => {
  const session = await openSessionFrom(sessionWith([]));
  const res = await session.request(`${server.origin}/login-hop`);
  expect(res.status).toBe(200);
  expect(await res.body.text()).toBe('hello from-302');
  expect(res.redirects).toEqual([{ url: `${server.origin}/login-hop`, status: 302 }]);
  expect(res.url).toBe(`${server.origin}/me`);
  await session.close();
});

test('a cookie deleted by the server is removed from the file on write-back', async () => {
  const store = new MemoryStore();
  await store.save('app', { ...sessionWith([cookie('sid', 'x', '127.0.0.1'), cookie('keep', 'y', '127.0.0.1')]), name: 'app' });
  const session = await openSession('app', { store });
  await (await session.request(`${server.origin}/logout`)).body.text();
  expect(session.cookies.header(`${server.origin}/`)).toBe('keep=y');
  await session.close();
  expect((await store.load('app')).cookies.map((c) => c.name)).toEqual(['keep']);
});

test('a burst of requests is one write, and readOnly never writes', async () => {
  const store = new MemoryStore();
  await store.save('app', { ...sessionWith([cookie('sid', 'x', '127.0.0.1')]), name: 'app' });
  let updates = 0;
  const update = store.update.bind(store);
  store.update = (ref, fn) => {
    updates++;
    return update(ref, fn);
  };
  const session = await openSession('app', { store });
  const started = Date.now();
  for (let i = 0; i < 20; i++) await (await session.request(`${server.origin}/me`)).body.text();
  // At most one write per write window plus the final flush, however many responses rotated the cookie.
  const windows = Math.ceil((Date.now() - started) / WRITE_DELAY_MS);
  await session.close();
  expect(updates).toBeLessThanOrEqual(Math.min(windows + 1, 5));
  expect(updates).toBeGreaterThanOrEqual(1);
  const writes = updates;

  const readOnly = await openSession('app', { store, readOnly: true });
  await (await readOnly.request(`${server.origin}/me`)).body.text();
  await readOnly.close();
  expect(updates).toBe(writes);
});

test('expired cookies are not sent and not written back', async () => {
  const store = new MemoryStore();
  const past = Date.now() / 1000 - 10;
  const soon = Date.now() / 1000 + 1;
  await store.save('app', {
    ...sessionWith([cookie('old', '1', '127.0.0.1', { expires: past }), cookie('brief', '2', '127.0.0.1', { expires: soon })]),
    name: 'app',
  });
  const session = await openSession('app', { store });
  expect(await (await session.request(`${server.origin}/echo-cookie`)).body.text()).toBe('brief=2');
  await new Promise((r) => setTimeout(r, 1100));
  // The cached Cookie header must not outlive the cookie.
  expect(await (await session.request(`${server.origin}/echo-cookie`)).body.text()).toBe('');
  session.cookies.set('fresh=3; Path=/', `${server.origin}/`);
  await session.close();
  expect((await store.load('app')).cookies.map((c) => c.name)).toEqual(['fresh']);
});

test('public-suffix and foreign-domain cookies are rejected; Secure cookies stay off plain http except loopback', async () => {
  const session = await openSessionFrom(sessionWith([]));
  session.cookies.set('a=1; Domain=com', 'http://example.com/');
  session.cookies.set('b=2; Domain=other.org', 'http://example.com/');
  session.cookies.set('c=3; Domain=example.com', 'http://www.example.com/');
  session.cookies.set('s=4; Secure', 'https://example.com/');
  expect(session.cookies.list().map((c) => c.name).sort()).toEqual(['c', 's']);
  expect(session.cookies.header('http://www.example.com/')).toBe('c=3');
  expect(session.cookies.header('https://example.com/')).toBe('c=3; s=4');
  expect(session.cookies.header('http://example.com/')).toBe('c=3');
  session.cookies.set('t=5; Secure', 'http://127.0.0.1/');
  expect(session.cookies.header('http://127.0.0.1/')).toBe('t=5');
  await session.close();
});

test('clear() forgets cookies and tokens; the file changes only on write-back', async () => {
  const store = new MemoryStore();
  await store.save('app', {
    ...sessionWith([cookie('sid', 'x', '127.0.0.1')]),
    name: 'app',
    headers: { default: {}, origins: { [server.origin]: { authorization: 'Bearer abc' } }, rules: [] },
  });
  const session = await openSession('app', { store, readOnly: true });
  session.clear();
  expect(session.cookies.list()).toEqual([]);
  expect(session.session.headers.origins).toEqual({});
  expect((await session.request(`${server.origin}/me`)).status).toBe(401);
  await session.close();
  expect((await store.load('app')).cookies).toHaveLength(1);
});

test('a crawl over many paths sends each path its own cookies, though built headers are cached per origin', async () => {
  const echo = await startHttpServer((req, res) => res.end(req.headers.cookie ?? ''));
  const session = await openSessionFrom(
    sessionWith([cookie('sid', 's1', '127.0.0.1'), cookie('adm', 'a1', '127.0.0.1', { path: '/admin' })]),
    { readOnly: true },
  );
  const sent = async (path: string): Promise<string> => (await session.request(`${echo.origin}${path}`)).body.text();
  try {
    for (let i = 0; i < 3; i++) {
      expect(await sent(`/admin/item/${i}?q=${i}`)).toBe('adm=a1; sid=s1');
      expect(await sent(`/public/item/${i}`)).toBe('sid=s1');
      expect(await sent('/public/item/0')).toBe('sid=s1');
    }
  } finally {
    await session.close();
    await echo.close();
  }
});
