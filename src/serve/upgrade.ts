import { STATUS_CODES, ServerResponse, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { forward, type Forwarding, type Listener } from './forward.js';
import { refuse } from './guard.js';
import { answerHeaders, ERROR_HEADER, forwardHeaders, headerSafe } from './headers.js';

/** TLS settings for the sockets the gateway opens itself (WebSockets): verified unless -k. */
export interface UpgradeTls {
  ca?: string | Buffer;
  rejectUnauthorized?: boolean;
}

/**
 * A request with an Upgrade header. A WebSocket handshake goes to the target with the session's
 * cookies and headers, and the two sockets are joined once it answers 101 (cookies it sets go into
 * the session). Any other upgrade (`h2c`) is dropped: the request is answered as plain HTTP/1.1.
 */
export function upgrade(listener: Listener, how: Forwarding, tls: UpgradeTls, req: IncomingMessage, socket: Duplex, head: Buffer, sockets: Set<Duplex>): void {
  const started = performance.now();
  const path = (req.url ?? '/').split('?', 1)[0] as string;
  const log = (status: number, error?: string) =>
    how.log({ method: req.method ?? 'GET', path, target: listener.target, status, ms: Math.round(performance.now() - started), refreshed: false, ...(error ? { error } : {}) });
  socket.on('error', () => socket.destroy());
  if (String(req.headers.upgrade).toLowerCase() !== 'websocket') return plainAnswer(listener, how, req, socket);
  const refusal = refuse(req, listener.guard);
  if (refusal) {
    rawAnswer(socket, refusal.status, refusal.reason);
    return log(refusal.status, refusal.reason);
  }
  const url = listener.target + (req.url as string);
  const caller = forwardHeaders(req.headers, {
    sessionDefaults: how.sessionDefaults,
    local: listener.local,
    target: listener.target,
    isToken: listener.guard.isToken ?? (() => false),
    upgrade: true,
  });
  const own = how.client.sessionHeaders(url);
  const headers = { ...own, ...caller };
  if (caller.cookie !== undefined && own.cookie !== undefined) headers.cookie = `${caller.cookie}; ${own.cookie}`;
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  const up = send(url, { method: req.method ?? 'GET', headers, agent: false, ...tls });
  up.on('upgrade', (answer: IncomingMessage, upstream: Socket, upstreamHead: Buffer) => {
    storeCookies(how, answer, url);
    const out = answerHeaders(answer.headers as Record<string, string | string[]>, { locals: how.locals, url, passCookies: how.passCookies, decoded: false });
    const lines = [`HTTP/1.1 101 ${answer.statusMessage || 'Switching Protocols'}`, 'Connection: Upgrade', `Upgrade: ${String(answer.headers.upgrade ?? 'websocket')}`];
    for (const [name, value] of Object.entries(out)) for (const one of [value].flat()) lines.push(`${name}: ${String(one)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstream.write(head);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.pipe(socket);
    socket.pipe(upstream);
    log(101);
  });
  up.on('response', (answer: IncomingMessage) => {
    // The target said no to the upgrade: its answer goes back as it is, then the connection closes.
    storeCookies(how, answer, url);
    const out = answerHeaders(answer.headers as Record<string, string | string[]>, { locals: how.locals, url, passCookies: how.passCookies, decoded: false });
    const res = plainResponse(req, socket);
    res.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res);
    log(answer.statusCode ?? 502);
  });
  up.on('error', (error) => {
    rawAnswer(socket, 502, `NETWORK_ERROR: ${url.split('?', 1)[0] as string}: ${error.message}`);
    log(502, error.message);
  });
  up.end();
}

function storeCookies(how: Forwarding, answer: IncomingMessage, url: string): void {
  for (const line of answer.headers['set-cookie'] ?? []) how.client.cookies.set(line, url);
}

/** An HTTP/1.1 response on a socket node has handed over for an upgrade; closes it when done. */
function plainResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  return res;
}

/** `Upgrade: h2c` and the like: dropped, and the request answered as plain HTTP (no body: it went to the other protocol). */
function plainAnswer(listener: Listener, how: Forwarding, req: IncomingMessage, socket: Duplex): void {
  if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
    return rawAnswer(socket, 400, 'a request with a body cannot ask for a protocol upgrade here; send it without Upgrade');
  }
  // forwardHeaders drops Upgrade and HTTP2-Settings with the other hop-by-hop headers.
  void forward(listener, how, req, plainResponse(req, socket));
}

function rawAnswer(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${ERROR_HEADER}: ${headerSafe(reason)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
