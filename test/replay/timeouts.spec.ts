import { expect, test } from '@playwright/test';
import type { ServerResponse } from 'node:http';
import net from 'node:net';
import { openSessionFrom } from '../../src/replay/client.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { sessionWith } from './fixtures.js';

let server: TestServer;
function trickle(res: ServerResponse): void {
  res.writeHead(200);
  const timer = setInterval(() => res.write('.'), 50);
  res.on('close', () => clearInterval(timer));
}
let silent: net.Server;
let silentPort: number;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/no-headers') return; // accepts, reads, never answers
    if (req.url === '/small') return void res.end('{"user":"demo"}');
    if (req.url === '/stall-body') {
      res.writeHead(200, { 'content-length': '100' });
      return void res.write('partial');
    }
    if (req.url === '/trickle' || req.url === '/slow-trickle') {
      // /slow-trickle sends its headers late, so its body starts after a later request's.
      if (req.url === '/slow-trickle') return void setTimeout(() => trickle(res), 300);
      trickle(res);
    }
  });
  // Accepts TCP and never speaks: a TLS handshake against it never completes.
  silent = net.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as net.AddressInfo).port;
});
test.afterAll(async () => {
  await server.close();
  silent.close();
});

test('headers timeout names the timeout, the URL and the option to raise', async () => {
  const session = await openSessionFrom(sessionWith([]), { timeouts: { headers: 300 }, retries: 0 });
  await expect(session.request(`${server.origin}/no-headers`)).rejects.toMatchObject({
    code: 'TIMEOUT',
    message: `GET ${server.origin}/no-headers: timed out after 300 ms waiting for the response headers of the server (headers timeout). Raise timeouts.headers (CLI: --timeout <seconds>) or check the server.`,
  });
  await session.close();
});

test('body timeout fires while the body is read, as a SessionjarError', async () => {
  const session = await openSessionFrom(sessionWith([]), { timeouts: { body: 300 } });
  const res = await session.request(`${server.origin}/stall-body`);
  expect(res.status).toBe(200);
  await expect(res.body.text()).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('(body timeout). Raise timeouts.body') });
  const viaFetch = await session.fetch(`${server.origin}/stall-body`);
  await expect(viaFetch.text()).rejects.toMatchObject({ code: 'TIMEOUT' });
  await session.close();
});

test('total timeout covers a body that trickles forever', async () => {
  const session = await openSessionFrom(sessionWith([]), { timeouts: { total: 400, body: 5_000 } });
  const started = Date.now();
  const res = await session.request(`${server.origin}/trickle`);
  await expect(res.body.text()).rejects.toMatchObject({
    code: 'TIMEOUT',
    message: `GET ${server.origin}/trickle: no complete response within 400 ms (total timeout). Raise timeouts.total (CLI: --timeout <seconds>) or check the server.`,
  });
  expect(Date.now() - started).toBeLessThan(3_000);
  await session.close();
});

test('each body is cut at its own request\'s total timeout, whichever answered first', async () => {
  const session = await openSessionFrom(sessionWith([]), { timeouts: { total: 600, body: 5_000 } });
  const ended: string[] = [];
  const read = async (path: string) => {
    const res = await session.request(`${server.origin}${path}`);
    await res.body.text().catch(() => ended.push(path));
  };
  // The first request's body arrives after the second's but its time runs out 150 ms sooner.
  const first = read('/slow-trickle');
  await new Promise((resolve) => setTimeout(resolve, 150));
  await Promise.all([first, read('/trickle')]);
  expect(ended).toEqual(['/slow-trickle', '/trickle']);
  await session.close();
});

test('a body nobody reads is freed when the total timeout runs out, without crashing the process', async () => {
  const session = await openSessionFrom(sessionWith([]), { timeouts: { total: 300, body: 5_000 } });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const res = await session.request(`${server.origin}/small`);
    expect(res.status).toBe(200);
    // The script never reads res.body (it arrived whole); the timeout frees it after 300 ms.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(res.body.destroyed).toBe(true);
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
    await session.close();
  }
});

test('total timeout also bounds the wait for headers', async () => {
  const session = await openSessionFrom(sessionWith([]), { timeouts: { total: 300, headers: 5_000 } });
  const started = Date.now();
  await expect(session.request(`${server.origin}/no-headers`)).rejects.toMatchObject({
    code: 'TIMEOUT',
    message: expect.stringContaining('no complete response within 300 ms (total timeout)'),
  });
  expect(Date.now() - started).toBeLessThan(2_000);
  await session.close();
});

test('connect timeout: a TLS handshake that never completes', async () => {
  const session = await openSessionFrom(sessionWith([]), { timeouts: { connect: 300 }, retries: 0 });
  await expect(session.request(`https://127.0.0.1:${silentPort}/`)).rejects.toMatchObject({
    code: 'TIMEOUT',
    message: `GET https://127.0.0.1:${silentPort}/: timed out after 300 ms connecting to the server (connect timeout). Raise timeouts.connect (CLI: --timeout <seconds>) or check the server.`,
  });
  await session.close();
});

test('an abort by the caller stays an AbortError', async () => {
  const session = await openSessionFrom(sessionWith([]));
  const controller = new AbortController();
  const pending = session.request(`${server.origin}/no-headers`, { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  await session.close();
});

test('a nonsensical option is a USAGE error naming it', async () => {
  await expect(openSessionFrom(sessionWith([]), { timeouts: { total: -5 } })).rejects.toMatchObject({
    code: 'USAGE',
    message: 'timeouts.total must be a number of milliseconds > 0, not -5.',
  });
  await expect(openSessionFrom(sessionWith([]), { retries: 1.5 })).rejects.toMatchObject({ code: 'USAGE', message: 'retries must be a whole number ≥ 0, not 1.5.' });
});
