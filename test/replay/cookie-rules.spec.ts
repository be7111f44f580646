import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, openSessionFrom } from '../../src/replay/client.js';
import { MAX_COOKIE_BYTES, MAX_COOKIES, MAX_COOKIES_PER_SITE } from '../../src/replay/cookie-rules.js';
import { SessionCookieJar } from '../../src/replay/jar.js';
import type { ReplayEvent } from '../../src/replay/options.js';
import type { Cookie } from '../../src/session/schema/index.js';
import { FileStore } from '../../src/store/file-store.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

// Browser rules for cookies a server sets (issue 10): a hostile server must not be able to bomb the
// session file through write-back, nor a plain-http answer replace a Secure login cookie.

/** Sets the cookies its query asks for: `/set?c=<Set-Cookie>&c=…`, or `n` numbered ones with `/bomb?n=300`. */
function setCookieRoutes(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/bomb') {
    const n = Number(url.searchParams.get('n'));
    res.setHeader('set-cookie', Array.from({ length: n }, (_, i) => `b${i}=${'v'.repeat(8)}; Path=/`));
  } else if (url.pathname === '/big') {
    res.setHeader('set-cookie', [`big=${'x'.repeat(10 * 1024)}; Path=/`, 'small=ok; Path=/']);
  } else {
    res.setHeader('set-cookie', url.searchParams.getAll('c'));
  }
  res.end('set');
}

let server: TestServer;
let dir: string;
test.beforeAll(async () => {
  server = await startHttpServer(setCookieRoutes);
});
test.afterAll(() => server.close());
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sj-cookie-rules-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fileCookies = (name: string) => (JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { cookies: Cookie[] }).cookies;

test('issue 10: a cookie bomb of 300 cookies leaves 180 for the site in the session file; Secure ones and the newest stay', async () => {
  const store = new FileStore({ dir });
  const old = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  await store.save('app', {
    ...sessionWith([
      cookie('sid', 'secure-login-cookie', '127.0.0.1', { secure: true, setAt: old }),
      cookie('pref', 'old-plain-cookie', '127.0.0.1', { setAt: old }),
    ]),
    name: 'app',
  });
  const session = await openSession('app', { store });
  await (await session.request(`${server.origin}/bomb?n=300`)).body.dump();
  await session.close();

  const saved = fileCookies('app');
  expect(saved).toHaveLength(MAX_COOKIES_PER_SITE);
  // Non-Secure cookies go before Secure ones, the least recently set first (Chromium's order).
  expect(saved.find((c) => c.name === 'sid')?.value).toBe('secure-login-cookie');
  expect(saved.some((c) => c.name === 'pref')).toBe(false);
  const kept = saved.filter((c) => c.name.startsWith('b')).map((c) => c.name);
  expect(kept).toEqual(Array.from({ length: 179 }, (_, i) => `b${300 - 179 + i}`));
});

test('issue 10: a cookie over 4096 bytes (name + value) is not stored; the others of that answer are', async () => {
  const store = new FileStore({ dir });
  await store.save('app', { ...sessionWith([]), name: 'app' });
  const events: ReplayEvent[] = [];
  const session = await openSession('app', { store, onEvent: (e) => events.push(e) });
  await (await session.request(`${server.origin}/big`)).body.dump();
  await session.close();
  expect(fileCookies('app').map((c) => c.name)).toEqual(['small']);
  expect(events).toContainEqual({ type: 'cookie-refused', url: `${server.origin}/big`, name: 'big', reason: 'name and value exceed 4096 bytes' });

  const jar = new SessionCookieJar();
  jar.set(`a=${'x'.repeat(MAX_COOKIE_BYTES - 1)}`, 'https://example.com/');
  jar.set(`b=${'x'.repeat(MAX_COOKIE_BYTES)}`, 'https://example.com/');
  // Bytes, not characters: 2048 two-byte characters plus a name is over the limit.
  jar.set(`c=${'é'.repeat(MAX_COOKIE_BYTES / 2)}`, 'https://example.com/');
  expect(jar.list().map((c) => c.name)).toEqual(['a']);
});

test('issue 10: the jar holds at most 3000 cookies, each site at most 180; the least recently set go', () => {
  const jar = new SessionCookieJar();
  for (let site = 0; site < 20; site++) {
    jar.storeSetCookies(Array.from({ length: 200 }, (_, i) => `c${i}=1; Path=/`), `https://s${site}.test/`);
  }
  const all = jar.list();
  expect(all).toHaveLength(MAX_COOKIES);
  const perSite = new Map<string, number>();
  for (const c of all) perSite.set(c.domain, (perSite.get(c.domain) ?? 0) + 1);
  expect(Math.max(...perSite.values())).toBe(MAX_COOKIES_PER_SITE);
  // 20 × 180 = 3600: the 600 over the total are the oldest, the first sites' cookies.
  expect(['s0.test', 's1.test', 's2.test'].some((site) => perSite.has(site))).toBe(false);
  expect(perSite.get('s3.test')).toBe(120);
  expect(perSite.get('s4.test')).toBe(MAX_COOKIES_PER_SITE);
  const changes = jar.takeChanges();
  expect(changes?.set).toHaveLength(MAX_COOKIES);
  expect(changes?.removed).toHaveLength(20 * 200 - MAX_COOKIES);
  // A subdomain counts toward its site (registrable domain).
  const sub = new SessionCookieJar();
  sub.storeSetCookies(Array.from({ length: 100 }, (_, i) => `a${i}=1`), 'https://a.example.com/');
  sub.storeSetCookies(Array.from({ length: 100 }, (_, i) => `b${i}=1`), 'https://b.example.com/');
  expect(sub.list()).toHaveLength(MAX_COOKIES_PER_SITE);
});

test('issue 10: __Host- and __Secure- prefixes are matched in any case', async () => {
  const session = await openSessionFrom(sessionWith([]));
  const set = [
    '__HOST-noSecure=1; Path=/',
    '__host-withDomain=1; Secure; Path=/; Domain=127.0.0.1',
    '__Host-noPath=1; Secure',
    '__Host-ok=1; Secure; Path=/',
    '__hOsT-ok2=1; Secure; Path=/',
    '__SECURE-noSecure=1; Path=/',
    '__secure-ok=1; Secure; Path=/',
    '=__SECURE-leadingEquals=evil; Path=/',
    // No "=": a nameless cookie, sent as its bare value, which a server reads as a prefixed name.
    '__Host-nameless; Path=/',
    '__SECURE-nameless; Path=/',
  ];
  const query = set.map((c) => `c=${encodeURIComponent(c)}`).join('&');
  await (await session.request(`${server.origin}/set?${query}`)).body.dump();
  expect(session.cookies.list().map((c) => c.name).sort()).toEqual(['__Host-ok', '__hOsT-ok2', '__secure-ok']);
  await session.close();
});

/**
 * A plain-http site that is not loopback, reached through a loopback proxy: every host name it is
 * asked for is answered here (CONNECT tunnels and absolute-form requests alike), so `http://app.example`
 * is an insecure origin (as it is to a browser) while no packet leaves 127.0.0.1.
 */
async function startVirtualHostProxy(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = http.createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (_req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    server.emit('connection', socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

test('issue 10: a plain-http answer cannot replace or shadow a Secure cookie (RFC 6265bis §5.7)', async () => {
  const proxy = await startVirtualHostProxy(setCookieRoutes);
  try {
    const store = new FileStore({ dir });
    // As recorded over https://app.example in a browser.
    await store.save('app', { ...sessionWith([cookie('sid', 'set-over-https', 'app.example', { secure: true })]), name: 'app' });
    const events: ReplayEvent[] = [];
    const session = await openSession('app', { store, proxy: proxy.url, onEvent: (e) => events.push(e) });
    const set = ['sid=set-over-http; Path=/', 'sid=shadow; Path=/account', 'sid=by-domain; Domain=app.example; Path=/', 'tok=1; Secure; Path=/', 'theme=dark; Path=/'];
    const res = await session.request(`http://app.example/set?${set.map((c) => `c=${encodeURIComponent(c)}`).join('&')}`);
    expect(await res.body.text()).toBe('set');
    await session.close();

    const saved = fileCookies('app').map((c) => [c.name, c.value, c.path, c.secure]);
    expect(saved.sort()).toEqual([
      ['sid', 'set-over-https', '/', true],
      ['theme', 'dark', '/', false],
    ]);
    const refused = events.filter((e) => e.type === 'cookie-refused');
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatchObject({ name: 'sid', reason: 'a plain-http answer may not replace or shadow a Secure cookie of the same name' });
  } finally {
    await proxy.close();
  }
});

test('loopback http is a secure origin for cookies (as in Chromium): it may set and replace Secure cookies', () => {
  const jar = new SessionCookieJar([cookie('sid', 'old', '127.0.0.1', { secure: true }), cookie('sid', 'old', 'app.example', { secure: true })]);
  jar.set('sid=new; Path=/', 'http://127.0.0.1:8080/');
  jar.set('sid=new; Path=/', 'https://app.example/');
  expect(jar.list().map((c) => [c.domain, c.value, c.secure])).toEqual([
    ['127.0.0.1', 'new', false],
    ['app.example', 'new', false],
  ]);
});

test('issue 16: a nameless cookie that looks like a __Host-/__Secure- cookie is refused over plain http (RFC 6265bis)', async () => {
  const proxy = await startVirtualHostProxy(setCookieRoutes);
  try {
    const events: ReplayEvent[] = [];
    const session = await openSessionFrom(sessionWith([]), { proxy: proxy.url, onEvent: (e) => events.push(e) });
    // Each would reach an https server as the header `__Host-sid=evil` (or `__Secure-…`): a nameless
    // cookie is sent as its bare value.
    const set = ['==__Host-sid=evil', '==__host-sid=evil; Path=/', '__Host-sid', '__SECURE-sid; Path=/', '=__Host-sid=evil', '= =__Secure-sid=evil', 'theme=dark; Path=/'];
    const res = await session.request(`http://app.example/set?${set.map((c) => `c=${encodeURIComponent(c)}`).join('&')}`);
    expect(await res.body.text()).toBe('set');
    expect(session.cookies.header('https://app.example/')).toBe('theme=dark');
    expect(session.cookies.list().map((c) => c.name)).toEqual(['theme']);
    expect(events.filter((e) => e.type === 'cookie-refused')).toHaveLength(set.length - 1);
    await session.close();
  } finally {
    await proxy.close();
  }
});
