import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import net from 'node:net';
import { curl } from '../helpers/curl.js';
import { startGateway, writeSessionFile, type GatewayProcess } from '../helpers/gateway.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// What does not fit a request-answer: server-sent events, WebSockets, an h2c upgrade.
let target: TestServer;
let gateway: GatewayProcess;
let releaseSse: () => void = () => undefined;
const upgrades: http.IncomingHttpHeaders[] = [];
const SID = 'sid-S3CRET-ws-0123456789';

test.beforeAll(async () => {
  target = await startHttpServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: one\n\n');
      releaseSse = () => res.end('data: two\n\n');
      return;
    }
    if (req.url === '/gz') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      return res.end(gzipSync('{"packed":true}'));
    }
    res.end(JSON.stringify({ upgrade: req.headers.upgrade ?? null, cookie: req.headers.cookie ?? null }));
  });
  const dir = tempDir('sj-serve-streams-');
  writeSessionFile(dir, 'app', { sid: SID });
  gateway = await startGateway(dir, 'app', ['--target', target.origin]);
});
test.afterAll(async () => {
  await gateway.stop();
  await target.close();
});

test('server-sent events arrive as they come, before the stream ends', async () => {
  const received: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const req = http.get(`${gateway.url}/events`, { headers: { 'X-Sessionjar-Token': gateway.token } }, (res) => {
      expect(res.headers['content-type']).toBe('text/event-stream');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received.push(chunk);
        // The first event went through while the target still holds the stream open.
        if (received.join('').includes('data: one')) releaseSse();
      });
      res.on('end', () => resolve());
    });
    req.on('error', reject);
  });
  await done;
  expect(received.join('')).toBe('data: one\n\ndata: two\n\n');
  expect(received[0]).toBe('data: one\n\n');
});

test('a gzip answer arrives decoded, without the Content-Encoding that no longer holds', async () => {
  const res = await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, '-H', 'Accept-Encoding: gzip', `${gateway.url}/gz`]);
  expect(res.headers['content-encoding']).toBeUndefined();
  expect(res.body).toBe('{"packed":true}');
});

test('curl --http2 asks for h2c: the upgrade is dropped and the request answered over HTTP/1.1', async () => {
  const res = await curl(['--http2', '-H', `X-Sessionjar-Token: ${gateway.token}`, `${gateway.url}/plain`]);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toEqual({ upgrade: null, cookie: `sid=${SID}` });
});

test('a WebSocket handshake reaches the target with the session cookie, frames flow both ways; without the token it is 401', async () => {
  // A tiny WebSocket server: the RFC 6455 handshake, a greeting, then it echoes what it gets.
  const server = http.createServer();
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    upgrades.push(req.headers);
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSet-Cookie: ws=1; Path=/\r\n\r\n`);
    socket.write('hello');
    socket.on('data', (d: Buffer) => socket.write(d));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wsOrigin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const dir = tempDir('sj-serve-ws-');
  writeSessionFile(dir, 'app', { sid: SID });
  const ws = await startGateway(dir, 'app', ['--target', wsOrigin]);
  try {
    const local = new URL(ws.url);
    const socket = net.connect(Number(local.port), local.hostname);
    let text = '';
    const got = (want: string) =>
      new Promise<void>((resolve) => {
        const check = () => text.includes(want) && resolve();
        socket.on('data', (d: Buffer) => {
          text += d.toString('latin1');
          check();
        });
        check();
      });
    socket.write(
      `GET /socket HTTP/1.1\r\nHost: ${local.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Sessionjar-Token: ${ws.token}\r\n\r\n`,
    );
    await got('hello');
    expect(text).toMatch(/^HTTP\/1\.1 101 /);
    expect(text).toContain('sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(text.toLowerCase()).not.toContain('set-cookie');
    socket.write('ping-frame');
    await got('ping-frame');
    socket.destroy();
    expect(upgrades.at(-1)?.cookie).toBe(`sid=${SID}`);
    expect(upgrades.at(-1)?.['x-sessionjar-token']).toBeUndefined();
    // Without the token: 401 from the gateway, and the target never hears of it.
    const before = upgrades.length;
    const bare = net.connect(Number(local.port), local.hostname);
    let refused = '';
    bare.on('data', (d: Buffer) => (refused += d.toString('latin1')));
    const closed = new Promise((resolve) => bare.on('close', resolve));
    bare.write(`GET /socket HTTP/1.1\r\nHost: ${local.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await closed;
    expect(refused).toMatch(/^HTTP\/1\.1 401 /);
    expect(upgrades.length).toBe(before);
  } finally {
    await ws.stop();
    server.close();
  }
});
