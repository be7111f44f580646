import { expect, test } from '@playwright/test';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import type { ReplayEvent } from '../../src/replay/options.js';
import { openSessionFrom } from '../../src/replay/client.js';
import { startHttp2Server, startHttpServer, testCertificate, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

// Issue 16: response heads past undici's 16 KiB (chunked sign-in cookies, SAML) are accepted up to
// 256 KiB by default; past the limit the error names the URL, the size and the option.

/** ASP.NET Core's chunked auth cookie: `.AspNetCore.Cookies` in n chunks of ~4 KB. */
const chunk = (i: number): string => `.AspNetCore.CookiesC${i}=${String(i).repeat(3900)}; Path=/; HttpOnly`;

let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/signin') {
      res.setHeader('set-cookie', Array.from({ length: 8 }, (_, i) => chunk(i + 1)));
      return void res.end('signed in');
    }
    if (req.url === '/huge') {
      res.setHeader('x-filler', 'f'.repeat(300 * 1024));
      return void res.end('never seen');
    }
    res.end(req.headers.cookie ?? '');
  });
});
test.afterAll(() => server.close());

test('eight 4 KB Set-Cookie chunks (about 31 KiB of headers) are accepted and every chunk is stored', async () => {
  const session = await openSessionFrom(sessionWith([]), { readOnly: true });
  const res = await session.request(`${server.origin}/signin`);
  expect(res.status).toBe(200);
  expect(await res.body.text()).toBe('signed in');
  expect(session.cookies.list().map((c) => c.name).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `.AspNetCore.CookiesC${i + 1}`));
  await session.close();
});

test('a 300 KiB response head is a NETWORK_ERROR naming the URL, the limit and the option; the option raises it', async () => {
  const session = await openSessionFrom(sessionWith([]), { readOnly: true, retries: 0 });
  const error = await session.request(`${server.origin}/huge`).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'NETWORK_ERROR', details: { url: `${server.origin}/huge`, limit: 262144 } });
  expect((error as Error).message).toBe(
    `GET ${server.origin}/huge: the response headers exceeded 262144 bytes (maxResponseHeaderBytes). Raise maxResponseHeaderBytes (CLI: --max-header-size <bytes>) if the server is expected to send that much.`,
  );
  await session.close();
  const roomy = await openSessionFrom(sessionWith([]), { readOnly: true, maxResponseHeaderBytes: 512 * 1024 });
  expect(await (await roomy.request(`${server.origin}/huge`)).body.text()).toBe('never seen');
  await roomy.close();
  await expect(openSessionFrom(sessionWith([]), { maxResponseHeaderBytes: 0 })).rejects.toMatchObject({ code: 'USAGE' });
});

test('over HTTP/2, whose 64 KiB header limit in Node cannot be raised, a larger head says so and points to HTTP/1.1', async () => {
  const h2 = await startHttp2Server((req, res) => {
    res.setHeader('set-cookie', Array.from({ length: req.url === '/many' ? 20 : 8 }, (_, i) => chunk(i + 1)));
    res.end(req.httpVersion);
  });
  const session = await openSessionFrom(sessionWith([]), { readOnly: true, http2: true, ca: testCertificate().cert, retries: 0 });
  try {
    // 31 KiB passes at HTTP/2 too.
    expect(await (await session.request(`${h2.origin}/few`)).body.text()).toBe('2.0');
    const error = (await session.request(`${h2.origin}/many`, { headers: { cookie: null } }).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toContain(`GET ${h2.origin}/many: the HTTP/2 stream was reset (NGHTTP2_FRAME_SIZE_ERROR), most likely because the response headers passed HTTP/2's 64 KiB limit in Node. Send this request over HTTP/1.1 (without http2 / --http2)`);
  } finally {
    await session.close();
    await h2.close();
  }
});

// Issue 16: many cookies on one host make a Cookie header past the server's limit.

/** 40 cookies for 127.0.0.1, ~12 KiB: `big` the largest, then `c39`, `c38`, … */
const manyCookies = () => [
  cookie('big', 'B'.repeat(1500), '127.0.0.1'),
  ...Array.from({ length: 40 }, (_, i) => cookie(`c${i}`, `${'v'.repeat(250 + i)}`, '127.0.0.1')),
];

async function listening<T extends Server | ReturnType<typeof createHttpServer>>(server: T): Promise<{ origin: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('a 431 from a server whose header limit the Cookie header passed is returned as it came, with the cookies by size', async () => {
  const server = await listening(createHttpServer({ maxHeaderSize: 4096 }, (_req, res) => res.end('ok')));
  const events: ReplayEvent[] = [];
  const session = await openSessionFrom(sessionWith(manyCookies()), { readOnly: true, onEvent: (e) => events.push(e) });
  try {
    const res = await session.request(`${server.origin}/page`);
    expect(res.status).toBe(431);
    await res.body.dump();
    const told = events.find((e) => e.type === 'headers-too-large');
    expect(told).toMatchObject({ url: `${server.origin}/page`, status: 431 });
    if (told?.type !== 'headers-too-large') throw new Error('no headers-too-large event');
    expect(told.cookieBytes).toBeGreaterThan(11_000);
    expect(told.cookies.slice(0, 3)).toEqual([
      { name: 'big', bytes: 1504 },
      { name: 'c39', bytes: 293 },
      { name: 'c38', bytes: 292 },
    ]);
    expect(JSON.stringify(told)).not.toContain('vvvv');
  } finally {
    await session.close();
    await server.close();
  }
});

test('a server that closes the connection on a large Cookie header: the error names its size and largest cookies, never a value', async () => {
  // As servers that drop an oversized head without answering: read 4 KiB of it, then reset.
  const server = await listening(
    createNetServer((socket) => {
      let seen = 0;
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 4096) socket.resetAndDestroy();
      });
      socket.on('error', () => undefined);
    }),
  );
  const session = await openSessionFrom(sessionWith(manyCookies()), { readOnly: true, retries: 0 });
  try {
    const error = (await session.request(`${server.origin}/page`).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(
      new RegExp(`^GET ${server.origin}/page: the server closed the connection \\((ECONNRESET|EPIPE|UND_ERR_SOCKET): [^)]*\\) while a Cookie header of 1[12]\\.\\d KiB \\(41 cookies; largest: big \\(1\\.5 KiB\\), c39 \\(293 B\\), c38 \\(292 B\\), c37 \\(291 B\\), c36 \\(290 B\\), …\\) was sent`),
    );
    expect(error.message).toContain("cookie: null; CLI: -H 'Cookie:'");
    expect(error.message).not.toContain('vvvv');
  } finally {
    await session.close();
    await server.close();
  }
});
