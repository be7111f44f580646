import { expect, test } from '@playwright/test';
import { Readable } from 'node:stream';
import { openSessionFrom } from '../../src/replay/client.js';
import { readBody, startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

// A request body given as a stream: sent as it comes, and only once.
let server: TestServer;
const seen: { path: string; bytes: number }[] = [];
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ path: req.url ?? '', bytes: Buffer.byteLength(body) });
      if (req.url === '/moved') {
        res.writeHead(307, { location: '/upload' });
        return res.end();
      }
      if (req.url === '/busy') {
        res.writeHead(503);
        return res.end();
      }
      res.end(`got ${Buffer.byteLength(body)} with ${req.headers.cookie ?? 'no cookie'}`);
    });
  });
});
test.afterAll(() => server.close());

function chunks(count: number, size: number): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < count; i++) yield Buffer.alloc(size, 97);
  })());
}

test('a streamed body arrives whole, with the session cookie', async () => {
  const client = await openSessionFrom(sessionWith([cookie('sid', 'abc', '127.0.0.1')]));
  const res = await client.request(`${server.origin}/upload`, { method: 'PUT', body: chunks(64, 65536) });
  expect(await res.body.text()).toBe(`got ${64 * 65536} with sid=abc`);
  await client.close();
});

test('a 307 that asks to resend a streamed body comes back to the caller; a 503 is not retried', async () => {
  const client = await openSessionFrom(sessionWith([]));
  const moved = await client.request(`${server.origin}/moved`, { method: 'POST', body: chunks(2, 10) });
  expect(moved.status).toBe(307);
  await moved.body.dump();
  seen.length = 0;
  const busy = await client.request(`${server.origin}/busy`, { method: 'PUT', body: chunks(2, 10) });
  expect(busy.status).toBe(503);
  await busy.body.dump();
  expect(seen.map((s) => s.path)).toEqual(['/busy']);
  await client.close();
});

test('sessionHeaders gives the headers a request would carry, cookie included', async () => {
  const client = await openSessionFrom(sessionWith([cookie('sid', 'abc', '127.0.0.1')], { headers: { default: { 'X-App': 'one' }, origins: {}, rules: [] } }));
  expect(client.sessionHeaders(`${server.origin}/socket`)).toMatchObject({ 'x-app': 'one', cookie: 'sid=abc' });
  await client.close();
});
