import { expect, test } from '@playwright/test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { openSessionFrom } from '../../src/replay/client.js';
import { startHttp2Server, startHttpServer, startProxy, testCertificate, type TestProxy, type TestServer } from '../helpers/servers.js';
import { sessionWith } from './fixtures.js';

let plain: TestServer;
let h2: TestServer;
let proxy: TestProxy;
const h2Versions: string[] = [];
const TEXT = 'héllo, compressed world '.repeat(50);
test.beforeAll(async () => {
  plain = await startHttpServer((req, res) => {
    const encoding = new URL(req.url ?? '/', 'http://x').searchParams.get('enc');
    const body = Buffer.from(TEXT);
    if (encoding === 'gzip') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(body));
    if (encoding === 'br') return void res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(body));
    if (encoding === 'deflate') return void res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync(body));
    if (encoding === 'gzip,br') {
      return void res.writeHead(200, { 'content-encoding': 'gzip, br' }).end(brotliCompressSync(gzipSync(body)));
    }
    res.end(`direct ${req.headers['accept-encoding'] ?? ''}`);
  });
  h2 = await startHttp2Server((req, res) => {
    h2Versions.push(req.httpVersion);
    setTimeout(() => res.end(`over ${req.httpVersion}`), 50);
  });
  proxy = await startProxy();
});
test.afterAll(async () => {
  await Promise.all([plain.close(), h2.close(), proxy.close()]);
});

test('gzip, br, deflate and stacked bodies are decoded for request() and fetch()', async () => {
  const session = await openSessionFrom(sessionWith([]));
  for (const enc of ['gzip', 'br', 'deflate', 'gzip,br']) {
    const res = await session.request(`${plain.origin}/?enc=${enc}`);
    expect(res.headers['content-encoding']).toBe(enc === 'gzip,br' ? 'gzip, br' : enc);
    expect(await res.body.text()).toBe(TEXT);
    const fetched = await session.fetch(`${plain.origin}/?enc=${enc}`);
    expect(await fetched.text()).toBe(TEXT);
  }
  const json = await session.request(`${plain.origin}/?enc=br`);
  expect(Buffer.from(await json.body.arrayBuffer()).toString()).toBe(TEXT);
  await session.close();
});

test('HTTP/2 over TLS with a self-signed CA: ten concurrent requests share one connection', async () => {
  h2Versions.length = 0;
  const before = h2.connections();
  const session = await openSessionFrom(sessionWith([]), { http2: true, ca: testCertificate().cert });
  const bodies = await Promise.all(
    Array.from({ length: 10 }, async () => (await session.request(`${h2.origin}/`)).body.text()),
  );
  expect(bodies).toEqual(Array(10).fill('over 2.0'));
  expect(h2Versions).toEqual(Array(10).fill('2.0'));
  expect(h2.connections() - before).toBe(1);
  await session.close();

  const h1 = await openSessionFrom(sessionWith([]), { ca: testCertificate().cert });
  expect(await (await h1.request(`${h2.origin}/`)).body.text()).toBe('over 1.1');
  await h1.close();
});

test('an untrusted certificate is a NETWORK_ERROR naming the URL', async () => {
  const session = await openSessionFrom(sessionWith([]), { retries: 0 });
  await expect(session.request(`${h2.origin}/`)).rejects.toMatchObject({
    code: 'NETWORK_ERROR',
    message: expect.stringMatching(new RegExp(`^GET ${h2.origin}/: .*(self-signed|SELF_SIGNED)`)),
  });
  await session.close();
});

test('HTTP_PROXY from the env option is used; trustEnv: false ignores it; an explicit proxy wins', async () => {
  proxy.requests.length = 0;
  const env = { HTTP_PROXY: proxy.origin, NO_PROXY: '' };
  const viaEnv = await openSessionFrom(sessionWith([]), { env });
  expect(await (await viaEnv.request(`${plain.origin}/`)).body.text()).toBe('direct ');
  await viaEnv.close();
  expect(proxy.requests).toHaveLength(1);

  const lower = await openSessionFrom(sessionWith([]), { env: { http_proxy: proxy.origin } });
  await (await lower.request(`${plain.origin}/`)).body.dump();
  await lower.close();
  expect(proxy.requests).toHaveLength(2);

  const ignoring = await openSessionFrom(sessionWith([]), { env, trustEnv: false });
  await (await ignoring.request(`${plain.origin}/`)).body.dump();
  await ignoring.close();
  expect(proxy.requests).toHaveLength(2);

  const excluded = await openSessionFrom(sessionWith([]), { env: { HTTP_PROXY: proxy.origin, NO_PROXY: '127.0.0.1' } });
  await (await excluded.request(`${plain.origin}/`)).body.dump();
  await excluded.close();
  expect(proxy.requests).toHaveLength(2);

  const explicit = await openSessionFrom(sessionWith([]), { proxy: proxy.origin, trustEnv: false });
  await (await explicit.request(`${plain.origin}/`)).body.dump();
  await explicit.close();
  expect(proxy.requests).toHaveLength(3);
  expect(proxy.requests.every((r) => r.includes(`127.0.0.1:${plain.port}`))).toBe(true);
});

test('HTTPS_PROXY tunnels TLS with CONNECT; HTTP_PROXY alone leaves https direct', async () => {
  proxy.requests.length = 0;
  const session = await openSessionFrom(sessionWith([]), { env: { HTTPS_PROXY: proxy.origin }, ca: testCertificate().cert });
  expect(await (await session.request(`${h2.origin}/`)).body.text()).toBe('over 1.1');
  await session.close();
  expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${h2.port}`]);

  // HTTP_PROXY alone is for http: URLs only, as curl and httpx read it.
  const httpOnly = await openSessionFrom(sessionWith([]), { env: { HTTP_PROXY: proxy.origin }, ca: testCertificate().cert });
  expect(await (await httpOnly.request(`${h2.origin}/`)).body.text()).toBe('over 1.1');
  await (await httpOnly.request(`${plain.origin}/`)).body.dump();
  await httpOnly.close();
  expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${h2.port}`, `CONNECT 127.0.0.1:${plain.port}`]);
});

test('a bad proxy setting is a USAGE error that does not echo the URL', async () => {
  await expect(openSessionFrom(sessionWith([]), { proxy: 'http//user:s3cret@nowhere' })).rejects.toMatchObject({
    code: 'USAGE',
    message: 'proxy is not a valid URL; give one like http://proxy.example:3128.',
  });
  await expect(openSessionFrom(sessionWith([]), { env: { HTTPS_PROXY: 'socks5://127.0.0.1:1' } })).rejects.toMatchObject({
    code: 'USAGE',
    message: 'HTTPS_PROXY: only http:// and https:// proxies are supported, not socks5://.',
  });
});
