import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Loopback servers for testing a client end to end: an echo server over HTTP/1.1 and over TLS with
 * HTTP/2 (self-signed), and a forward proxy (CONNECT and absolute-URI requests) that counts what it
 * carried.
 *
 * Routes: `/echo` answers JSON `{ method, path, headers, body (base64), httpVersion }`;
 * `/bytes?n=N` N bytes covering every byte value; `/status/<code>`; `/redirect/<n>` (302 chain
 * ending at /echo); `/set-cookie?name=value` sets that cookie and echoes; `/slow` answers after 5 s.
 */
export interface EchoServer {
  origin: string;
  close(): Promise<void>;
}

export interface TlsFiles {
  key: string;
  cert: string;
  /** PEM of the certificate, to trust it (`ca` option or NODE_EXTRA_CA_CERTS). */
  certPem: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made once per machine with openssl. */
export function tlsFiles(): TlsFiles {
  const dir = join(tmpdir(), 'sessionjar-test-tls');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  if (!existsSync(cert)) {
    mkdirSync(dir, { recursive: true });
    // Unique names first, then rename: parallel workers may race to create the pair.
    const suffix = `${process.pid}-${Date.now()}`;
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
      '-keyout', `${key}.${suffix}`, '-out', `${cert}.${suffix}`, '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'ignore' });
    execFileSync('mv', ['-f', `${key}.${suffix}`, key]);
    execFileSync('mv', ['-f', `${cert}.${suffix}`, cert]);
  }
  return { key, cert, certPem: readFileSync(cert, 'utf8') };
}

/** Deterministic bytes where every value 0–255 occurs (for body-fidelity checks). */
export function testBytes(n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = i < 256 ? i : x >>> 24;
  }
  return out;
}

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

async function handle(req: Req, res: Res): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const echo = () => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !name.startsWith(':')));
    const body = JSON.stringify({
      method: req.method,
      path: url.pathname + url.search,
      headers,
      body: Buffer.concat(chunks).toString('base64'),
      httpVersion: req.httpVersion,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  };
  const parts = url.pathname.split('/');
  switch (parts[1]) {
    case 'echo':
      return echo();
    case 'bytes': {
      const bytes = testBytes(Number(url.searchParams.get('n') ?? 1024));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
      return;
    }
    case 'status': {
      const code = Number(parts[2]);
      res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(`status ${code}\n`);
      return;
    }
    case 'redirect': {
      const n = Number(parts[2]);
      res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}` : '/echo' });
      res.end();
      return;
    }
    case 'set-cookie': {
      res.setHeader('set-cookie', [...url.searchParams].map(([name, value]) => `${name}=${value}; Path=/; HttpOnly`));
      return echo();
    }
    case 'slow': {
      const timer = setTimeout(echo, 5000);
      req.on('close', () => clearTimeout(timer));
      return;
    }
    default:
      res.writeHead(404);
      res.end('no such route\n');
  }
}

function listen(server: Server | ReturnType<typeof createSecureServer>, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function closer(server: Server | ReturnType<typeof createSecureServer>, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** The echo routes over plain HTTP/1.1 on 127.0.0.1. */
export async function startEchoServer(): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(req, res));
  const port = await listen(server, sockets);
  return { origin: `http://127.0.0.1:${port}`, close: closer(server, sockets) };
}

/** The echo routes over TLS, HTTP/2 when the client offers it (ALPN), else HTTP/1.1. */
export async function startTlsEchoServer(): Promise<EchoServer & { tls: TlsFiles }> {
  const tls = tlsFiles();
  const sockets = new Set<Socket>();
  const server = createSecureServer({ key: readFileSync(tls.key), cert: readFileSync(tls.cert), allowHTTP1: true }, (req, res) =>
    void handle(req, res),
  );
  const port = await listen(server, sockets);
  return { origin: `https://127.0.0.1:${port}`, tls, close: closer(server, sockets) };
}

export interface ForwardProxy {
  url: string;
  /** Every target the proxy carried, `host:port` for CONNECT or the absolute URL. */
  seen: string[];
  close(): Promise<void>;
}

/** A forward proxy on loopback: CONNECT tunnels and absolute-URI plain-HTTP requests. */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const upstream = httpRequest(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const port = await listen(server, sockets);
  return { url: `http://127.0.0.1:${port}`, seen, close: closer(server, sockets) };
}
