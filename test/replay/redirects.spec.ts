import { expect, test } from '@playwright/test';
import type { IncomingHttpHeaders } from 'node:http';
import { openSessionFrom } from '../../src/replay/client.js';
import type { Session } from '../../src/session/schema/index.js';
import { readBody, startHttpServer, startHttpsServer, testCertificate, type TestServer } from '../helpers/servers.js';
import { IDP_SESSION, startOidcPair } from '../helpers/oidc-servers.js';
import { cookie, sessionWith } from './fixtures.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A server that records every request and answers /go?to=URL&status=N with that redirect. */
async function recordingServer(start: (h: Parameters<typeof startHttpServer>[0]) => Promise<TestServer>) {
  const seen: Seen[] = [];
  const server = await start(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body: await readBody(req) });
    const to = url.searchParams.get('to');
    if (url.pathname === '/go' && to) {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: to });
      return void res.end();
    }
    if (url.pathname === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    // A loop that sets a new cookie on every hop: never the same request twice, only max hops end it.
    if (url.pathname === '/counting-loop') {
      const n = Number(/(?:^|; )n=(\d+)/.exec(req.headers.cookie ?? '')?.[1] ?? 0);
      return void res.writeHead(302, { location: '/counting-loop', 'set-cookie': `n=${n + 1}; Path=/` }).end();
    }
    const n = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (n) return void res.writeHead(302, { location: `/hop/${Number(n[1]) + 1}` }).end();
    res.end('done');
  });
  return { server, seen };
}

let a: Awaited<ReturnType<typeof recordingServer>>;
let b: Awaited<ReturnType<typeof recordingServer>>;
let tls: Awaited<ReturnType<typeof recordingServer>>;
test.beforeAll(async () => {
  a = await recordingServer(startHttpServer);
  b = await recordingServer(startHttpServer);
  tls = await recordingServer(startHttpsServer);
});
test.afterAll(async () => {
  await Promise.all([a.server.close(), b.server.close(), tls.server.close()]);
});
test.beforeEach(() => {
  a.seen.length = 0;
  b.seen.length = 0;
  tls.seen.length = 0;
});

function withAuth(origins: string[]): Session {
  return sessionWith(
    [cookie('sid', 'on-127', '127.0.0.1'), cookie('lh', 'on-localhost', 'localhost'), cookie('sec', 'secure-one', 'localhost', { secure: true })],
    {
      origins: [{ origin: origins[0] as string, localStorage: { token: JSON.stringify({ access: 'tok-123' }) }, sessionStorage: {} }],
      headers: {
        default: { 'User-Agent': 'recorded-agent/1.0', 'Accept-Language': 'en-GB' },
        origins: Object.fromEntries(origins.map((o) => [o, { 'X-Origin-Key': `key-for-${o}` }])),
        rules: [
          {
            header: 'Authorization',
            from: { storage: 'localStorage', origin: origins[0] as string, key: 'token', jsonPath: 'access' },
            template: 'Bearer {value}',
            origins: [origins[0] as string],
          },
        ],
      },
    },
  );
}

test('cross-origin hop (127.0.0.1 → localhost, another port): no Authorization, per-origin or rule headers; Cookie recomputed', async () => {
  const target = `${b.server.localhostOrigin}/landing`;
  const session = await openSessionFrom(withAuth([a.server.origin]));
  const res = await session.request(`${a.server.origin}/go?to=${encodeURIComponent(target)}`, {
    headers: { 'X-Api-Key': 'user-secret', 'X-Trace': 'keep-me' },
  });
  expect(await res.body.text()).toBe('done');
  expect(res.url).toBe(target);

  const first = a.seen[0]?.headers ?? {};
  expect(first.authorization).toBe('Bearer tok-123');
  expect(first['x-origin-key']).toBe(`key-for-${a.server.origin}`);
  expect(first.cookie).toBe('sid=on-127');
  expect(first['user-agent']).toBe('recorded-agent/1.0');
  expect(first['x-api-key']).toBe('user-secret');

  const second = b.seen[0]?.headers ?? {};
  expect(second.authorization).toBeUndefined();
  expect(second['x-origin-key']).toBeUndefined();
  expect(second['x-api-key']).toBeUndefined();
  expect(second['x-trace']).toBe('keep-me');
  expect(second['user-agent']).toBe('recorded-agent/1.0');
  expect(second['accept-language']).toBe('en-GB');
  // localhost's own cookies, including the Secure one (loopback counts as secure)...
  expect(second.cookie).toBe('lh=on-localhost; sec=secure-one');
  await session.close();
});

test('issue 16: X-Author and X-Session-Locale follow a cross-origin redirect; Authorization, X-CSRF-Token and X-API-Key do not', async () => {
  const target = `${b.server.localhostOrigin}/landing`;
  // No per-origin or rule headers: the fixed list alone keeps Authorization, CSRF and API key at home.
  const session = await openSessionFrom(sessionWith([]));
  const res = await session.request(`${a.server.origin}/go?to=${encodeURIComponent(target)}`, {
    headers: { 'X-Author': 'me', 'X-Session-Locale': 'en', Authorization: 'Bearer mine', 'X-CSRF-Token': 'c1', 'X-API-Key': 'k1' },
  });
  await res.body.text();
  const first = a.seen[0]?.headers ?? {};
  expect([first['x-author'], first['x-session-locale'], first.authorization, first['x-csrf-token'], first['x-api-key']]).toEqual(['me', 'en', 'Bearer mine', 'c1', 'k1']);
  const second = b.seen[0]?.headers ?? {};
  expect(second['x-author']).toBe('me');
  expect(second['x-session-locale']).toBe('en');
  expect(second.authorization).toBeUndefined();
  expect(second['x-csrf-token']).toBeUndefined();
  expect(second['x-api-key']).toBeUndefined();
  await session.close();
});

test('same host, another port is another origin too', async () => {
  const session = await openSessionFrom(withAuth([a.server.origin]));
  await (await session.request(`${a.server.origin}/go?to=${encodeURIComponent(`${b.server.origin}/x`)}`)).body.text();
  expect(b.seen[0]?.headers.authorization).toBeUndefined();
  // Cookies do not care about ports (RFC 6265): 127.0.0.1's cookie goes to both.
  expect(b.seen[0]?.headers.cookie).toBe('sid=on-127');
  await session.close();
});

test('https → http downgrade sends no Secure cookie and no credential', async () => {
  const session = await openSessionFrom(withAuth([tls.server.localhostOrigin, b.server.localhostOrigin]), { ca: testCertificate().cert });
  const down = `${b.server.localhostOrigin}/plain`;
  const res = await session.request(`${tls.server.localhostOrigin}/go?to=${encodeURIComponent(down)}`, {
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
  });
  expect(await res.body.text()).toBe('done');
  expect(tls.seen[0]?.headers.cookie).toBe('lh=on-localhost; sec=secure-one');
  expect(tls.seen[0]?.headers.authorization).toBe('Basic dXNlcjpwYXNz');
  const plain = b.seen[0]?.headers ?? {};
  expect(plain.cookie).toBe('lh=on-localhost');
  expect(plain.authorization).toBeUndefined();
  // Even the http origin's own recorded credential header is held back on a downgrade.
  expect(plain['x-origin-key']).toBeUndefined();
  await session.close();
});

test('303 and 301 turn a POST into a GET without body or Content-*; 307 and 308 keep method and body', async () => {
  const session = await openSessionFrom(sessionWith([]));
  for (const status of [303, 301, 302]) {
    a.seen.length = 0;
    await (
      await session.request(`${a.server.origin}/go?status=${status}&to=/after`, {
        method: 'POST',
        body: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).body.text();
    expect(a.seen.map((s) => [s.method, s.path, s.body, s.headers['content-type'] ?? null])).toEqual([
      ['POST', '/go', 'a=1', 'application/x-www-form-urlencoded'],
      ['GET', '/after', '', null],
    ]);
  }
  for (const status of [307, 308]) {
    a.seen.length = 0;
    await (
      await session.request(`${a.server.origin}/go?status=${status}&to=/after`, {
        method: 'POST',
        body: 'a=1',
        headers: { 'content-type': 'text/plain' },
      })
    ).body.text();
    expect(a.seen.map((s) => [s.method, s.path, s.body, s.headers['content-type']])).toEqual([
      ['POST', '/go', 'a=1', 'text/plain'],
      ['POST', '/after', 'a=1', 'text/plain'],
    ]);
  }
  a.seen.length = 0;
  await (await session.request(`${a.server.origin}/go?status=303&to=/after`, { method: 'HEAD' })).body.dump();
  expect(a.seen.map((s) => s.method)).toEqual(['HEAD', 'HEAD']);
  await session.close();
});

test('a redirect loop, too many redirects, and unsafe Locations are REDIRECT_ERRORs naming the URL', async () => {
  const session = await openSessionFrom(sessionWith([]), { maxRedirects: 3 });
  await expect(session.request(`${a.server.origin}/loop`)).rejects.toMatchObject({
    code: 'REDIRECT_ERROR',
    message: `Redirect from ${a.server.origin}/loop refused: it leads back to GET ${a.server.origin}/loop with the same cookies: a redirect loop.`,
  });
  await expect(session.request(`${a.server.origin}/counting-loop`)).rejects.toMatchObject({
    code: 'REDIRECT_ERROR',
    message: `Redirect from ${a.server.origin}/counting-loop refused: that is more than 3 redirects (maxRedirects); raise maxRedirects (CLI: --max-redirects) if this is expected.`,
  });
  expect(a.seen.filter((r) => r.path === '/counting-loop')).toHaveLength(4);
  await expect(session.request(`${a.server.origin}/hop/0`)).rejects.toMatchObject({
    code: 'REDIRECT_ERROR',
    message: `Redirect from ${a.server.origin}/hop/3 refused: that is more than 3 redirects (maxRedirects); raise maxRedirects (CLI: --max-redirects) if this is expected.`,
  });
  await expect(session.request(`${a.server.origin}/go?to=${encodeURIComponent('file:///etc/passwd')}`)).rejects.toMatchObject({
    code: 'REDIRECT_ERROR',
    message: expect.stringContaining('its Location uses file:, and only http: and https: redirects are followed'),
  });
  await expect(session.request(`${a.server.origin}/go?to=${encodeURIComponent(`http://u:p@127.0.0.1:${b.server.port}/`)}`)).rejects.toMatchObject({
    code: 'REDIRECT_ERROR',
    message: expect.stringContaining('carries a user name or password'),
  });
  expect(b.seen).toHaveLength(0);
  const ok = await session.request(`${a.server.origin}/hop/0`, { redirect: 'manual' });
  expect(ok.status).toBe(302);
  await ok.body.dump();
  await session.close();
});

test('issue 10: an OIDC login that comes back to the page it started on (new cookies) is not a loop', async () => {
  const oidc = await startOidcPair();
  try {
    // GET /profile → IdP /authorize → /callback?code (sets app_sid) → GET /profile again, now logged in.
    const session = await openSessionFrom(sessionWith([cookie('idp_sid', IDP_SESSION, 'localhost')]));
    const res = await session.request(`${oidc.app.origin}/profile`);
    expect(res.status).toBe(200);
    expect(await res.body.text()).toBe('profile of alice (app-code-1)');
    expect(res.url).toBe(`${oidc.app.origin}/profile`);
    expect(res.redirects.map((r) => new URL(r.url).pathname)).toEqual(['/profile', '/authorize', '/callback']);
    expect(session.cookies.header(`${oidc.app.origin}/`)).toBe('app_sid=app-code-1');
    await session.close();
  } finally {
    await oidc.close();
  }
});

test('fetch() follows redirects and returns a real Response with url and redirected', async () => {
  const session = await openSessionFrom(sessionWith([]));
  const res = await session.fetch(`${a.server.origin}/go?to=/final`);
  expect(res).toBeInstanceOf(Response);
  expect(res.status).toBe(200);
  expect(res.url).toBe(`${a.server.origin}/final`);
  expect(res.redirected).toBe(true);
  expect(await res.text()).toBe('done');
  const direct = await session.fetch(new Request(`${a.server.origin}/x`, { method: 'POST', body: 'hi' }));
  expect(direct.redirected).toBe(false);
  expect(direct.url).toBe(`${a.server.origin}/x`);
  await direct.text();
  expect(a.seen.at(-1)?.body).toBe('hi');
  const manual = await session.fetch(`${a.server.origin}/go?to=/final`, { redirect: 'manual' });
  expect(manual.status).toBe(302);
  expect(manual.headers.get('location')).toBe('/final');
  await session.close();
});

test('fetch() sends init headers, a string body with fetch\'s default Content-Type, and bytes as given', async () => {
  const session = await openSessionFrom(sessionWith([]));
  a.seen.length = 0;
  await (await session.fetch(new URL(`${a.server.origin}/s`), { method: 'put', body: 'text', headers: [['X-One', '1']] })).text();
  await (await session.fetch(`${a.server.origin}/b`, { method: 'POST', body: new TextEncoder().encode('bytes'), headers: { 'content-type': 'application/octet-stream' } })).text();
  await (await session.fetch(`${a.server.origin}/f`, { method: 'POST', body: new URLSearchParams({ q: 'a b' }) })).text();
  expect(a.seen.map((s) => [s.method, s.body, s.headers['content-type'], s.headers['x-one'] ?? null])).toEqual([
    ['PUT', 'text', 'text/plain;charset=UTF-8', '1'],
    ['POST', 'bytes', 'application/octet-stream', null],
    ['POST', 'q=a+b', 'application/x-www-form-urlencoded;charset=UTF-8', null],
  ]);
  const head = await session.fetch(`${a.server.origin}/h`, { method: 'head' });
  expect(head.status).toBe(200);
  expect(head.body).toBeNull();
  await session.close();
});
