import { expect, test } from '@playwright/test';
import { openSessionFrom } from '../../src/replay/client.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { sessionWith } from './fixtures.js';

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
