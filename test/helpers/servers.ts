import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Loopback test servers: always listen(0) on 127.0.0.1, closed with every open connection. */

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:PORT` (https for TLS servers). */
  origin: string;
  port: number;
  /** The same server as `localhost`: another origin for cross-origin tests. */
  localhostOrigin: string;
  /** Connections accepted so far (TCP/TLS, not requests). */
  connections(): number;
  close(): Promise<void>;
}

async function listen(server: net.Server, scheme: 'http' | 'https'): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const event = scheme === 'https' ? 'secureConnection' : 'connection';
  server.on(event, (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    localhostOrigin: `${scheme}://localhost:${port}`,
    port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function startHttpServer(handler: Handler): Promise<TestServer> {
  return listen(http.createServer(handler), 'http');
}

export interface Tls {
  key: string;
  cert: string;
}

let tls: Tls | undefined;

/** A self-signed certificate for localhost, 127.0.0.1 and ::1, made once per test process. */
export function testCertificate(): Tls {
  if (tls) return tls;
  const dir = mkdtempSync(join(tmpdir(), 'sessionjar-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
    ], { stdio: 'ignore' });
    tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return tls;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function startHttpsServer(handler: Handler): Promise<TestServer> {
  return listen(https.createServer(testCertificate(), handler), 'https');
}

/** HTTP/2 over TLS (HTTP/1.1 too, by ALPN); `req.httpVersion` tells which one a client spoke. */
export function startHttp2Server(handler: Handler): Promise<TestServer> {
  const server = http2.createSecureServer({ ...testCertificate(), allowHTTP1: true }, handler as never);
  return listen(server, 'https');
}

export interface TestProxy extends TestServer {
  /** Requests seen: `CONNECT host:port` or `GET http://...` (absolute form). */
  requests: string[];
}

/** A real forward proxy: CONNECT tunnels and absolute-form requests, counting both. */
export async function startProxy(): Promise<TestProxy> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { ...(await listen(server, 'http')), requests };
}

/** Reads a request body as text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
