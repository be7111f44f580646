import { expect, test } from '@playwright/test';
import net from 'node:net';
import { openSessionFrom } from '../../src/replay/client.js';
import { backoffMs, retryAfterMs, statusRetryDelay } from '../../src/replay/retry.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { sessionWith } from './fixtures.js';

let server: TestServer;
const attempts = new Map<string, number>();
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = `${req.method} ${url.pathname}${url.search}`;
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    if (url.pathname === '/reset' && n === 1) return void req.socket.destroy();
    if (url.pathname === '/busy' && n === 1) {
      res.writeHead(503, { 'retry-after': url.searchParams.get('after') ?? '1' });
      return void res.end('busy');
    }
    if (url.pathname === '/always503') return void res.writeHead(503).end('down');
    res.end(`attempt ${n}`);
  });
});
test.afterAll(() => server.close());

test('a GET is retried after the server resets the connection; a POST is not', async () => {
  const session = await openSessionFrom(sessionWith([]));
  const events: string[] = [];
  const retrying = await openSessionFrom(sessionWith([]), { onEvent: (e) => e.type === 'retry' && events.push(e.reason) });
  const res = await retrying.request(`${server.origin}/reset?get`);
  expect(await res.body.text()).toBe('attempt 2');
  expect(events).toHaveLength(1);
  await expect(session.request(`${server.origin}/reset?post`, { method: 'POST', body: 'x' })).rejects.toMatchObject({
    code: 'NETWORK_ERROR',
    message: expect.stringMatching(new RegExp(`^POST ${server.origin}/reset\\?post: connection (closed|reset) by the server`)),
  });
  expect(attempts.get('POST /reset?post')).toBe(1);
  await session.close();
  await retrying.close();
});

test('Retry-After in seconds and as an HTTP date is honoured; one over the cap returns the response', async () => {
  const session = await openSessionFrom(sessionWith([]));
  let started = Date.now();
  const res = await session.request(`${server.origin}/busy?after=1`);
  expect(await res.body.text()).toBe('attempt 2');
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);

  const date = new Date(Date.now() + 2000).toUTCString();
  started = Date.now();
  const dated = await session.request(`${server.origin}/busy?after=${encodeURIComponent(date)}`);
  expect(await dated.body.text()).toBe('attempt 2');
  // An HTTP date has whole seconds: the wait is between 1 and 2 s.
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);

  const capped = await openSessionFrom(sessionWith([]), { retries: { limit: 2, maxRetryAfterMs: 500 } });
  started = Date.now();
  const busy = await capped.request(`${server.origin}/busy?after=5`);
  expect(busy.status).toBe(503);
  expect(await busy.body.text()).toBe('busy');
  expect(Date.now() - started).toBeLessThan(1000);
  await session.close();
  await capped.close();
});

test('retries stop at the limit and then return the last response', async () => {
  const session = await openSessionFrom(sessionWith([]), { retries: 2 });
  const res = await session.request(`${server.origin}/always503`);
  expect(res.status).toBe(503);
  await res.body.dump();
  expect(attempts.get('GET /always503')).toBe(3);
  const none = await openSessionFrom(sessionWith([]), { retries: 0 });
  await (await none.request(`${server.origin}/always503?once`)).body.dump();
  expect(attempts.get('GET /always503?once')).toBe(1);
  await session.close();
  await none.close();
});

test('a refused connection is retried and then reported with its cause', async () => {
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const retries: number[] = [];
  const session = await openSessionFrom(sessionWith([]), { onEvent: (e) => e.type === 'retry' && retries.push(e.attempt) });
  await expect(session.request(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({
    code: 'NETWORK_ERROR',
    message: `GET http://127.0.0.1:${port}/x: connection refused (ECONNREFUSED). Check the URL, your network and any proxy settings (HTTP_PROXY, --proxy).`,
  });
  expect(retries).toEqual([1, 2]);
  await session.close();
});

test('backoff is full jitter, growing and capped; Retry-After parses both forms', () => {
  expect(backoffMs(0, () => 0.999)).toBe(199);
  expect(backoffMs(3, () => 0.5)).toBe(800);
  expect(backoffMs(20, () => 0.999)).toBe(4995);
  expect(backoffMs(2, () => 0)).toBe(0);
  expect(retryAfterMs('3')).toBe(3000);
  expect(retryAfterMs('Wed, 25 Nov 2026 10:00:00 GMT', Date.parse('2026-11-25T09:59:58Z'))).toBe(2000);
  expect(retryAfterMs('soon')).toBeUndefined();
  expect(statusRetryDelay(500, undefined, 0, 30_000)).toBeUndefined();
  expect(statusRetryDelay(429, '31', 0, 30_000)).toBeUndefined();
  expect(statusRetryDelay(429, '30', 0, 30_000)).toBe(30_000);
});
