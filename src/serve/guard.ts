import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { basicCarriesToken } from './headers.js';

/** What a listener accepts: its exact Host values (none for a unix socket) and the token, if any. */
export interface GuardConfig {
  hosts: Set<string> | undefined;
  /** From {@link tokenMatcher}; undefined: no token asked (loopback with --no-token, a unix socket). */
  isToken: ((candidate: string) => boolean) | undefined;
}

export interface Refusal {
  status: 400 | 401 | 403;
  reason: string;
}

/**
 * Checks a request before anything reaches the target, in this order:
 * - the Host header names the gateway's own address and port exactly (DNS rebinding);
 * - nothing a browser sends: any `Origin` or `Sec-Fetch-*` header, or a CORS preflight, is 403
 *   (curl, requests and Java never send them; a web page always does); except a lone
 *   `Sec-Fetch-Mode`, which is what Node's and Deno's fetch send (see {@link fromBrowser});
 * - the token, in `X-Sessionjar-Token` or as Basic userinfo (Authorization or Proxy-Authorization).
 *
 * @example
 * ```ts
 * const refusal = refuse(req, { hosts: new Set(['127.0.0.1:8080']), isToken: tokenMatcher(token) });
 * if (refusal) return answerRefusal(res, refusal);
 * ```
 */
export function refuse(req: IncomingMessage, config: GuardConfig): Refusal | undefined {
  const headers = req.headers;
  if (config.hosts && !config.hosts.has((headers.host ?? '').toLowerCase())) {
    return { status: 403, reason: 'the Host header does not name this gateway (address and port); DNS rebinding is refused' };
  }
  if (headers.origin !== undefined || headers['access-control-request-method'] !== undefined || fromBrowser(headers)) {
    return { status: 403, reason: 'browser requests (Origin or Sec-Fetch-* headers) are refused: a web page must not use this session' };
  }
  if (config.isToken !== undefined && !hasToken(req, config.isToken)) {
    return { status: 401, reason: 'the gateway token is missing or wrong: send it in X-Sessionjar-Token or as the password of the URL (http://x:TOKEN@host:port/)' };
  }
  if (!req.url?.startsWith('/')) {
    return { status: 400, reason: 'only paths are forwarded (GET /path); this gateway is not a forward proxy' };
  }
  return undefined;
}

/**
 * A request line in absolute form (`GET http://127.0.0.1:8080/me`, as a client that has the gateway
 * as its proxy sends it: curl `-x http://x:TOKEN@127.0.0.1:8080`) as the path it names, when it
 * names this listener itself; a server must accept that form (RFC 9112 §3.2.2). Anything else
 * stays as it is, to be refused: the gateway is no forward proxy.
 *
 * @example
 * ```ts
 * ownPath('http://127.0.0.1:8080/me?q=1', new Set(['127.0.0.1:8080'])); // '/me?q=1'
 * ```
 */
export function ownPath(url: string, hosts: Set<string> | undefined): string | undefined {
  if (hosts === undefined || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '' || !hosts.has(parsed.host.toLowerCase())) return undefined;
  return parsed.pathname + parsed.search;
}

/**
 * A browser sends `Sec-Fetch-Site` (with `-Mode` and `-Dest`) on every request to a loopback or
 * https URL; Node's and Deno's fetch send `Sec-Fetch-Mode: cors` alone. Any other `Sec-Fetch-*`
 * header, or that one with a value of its own, is a browser's.
 */
function fromBrowser(headers: IncomingMessage['headers']): boolean {
  for (const name of Object.keys(headers)) {
    if (name.startsWith('sec-fetch-') && !(name === 'sec-fetch-mode' && headers[name] === 'cors')) return true;
  }
  return false;
}

/**
 * Compares in constant time: the token is a password. Digests of both, so the length is not told
 * either; the one-shot `hash` costs a third less than a Hash object per request.
 */
export function tokenMatcher(token: string): (candidate: string) => boolean {
  const want = hash('sha256', token, 'buffer');
  return (candidate) => timingSafeEqual(hash('sha256', candidate, 'buffer'), want);
}

function hasToken(req: IncomingMessage, matches: (candidate: string) => boolean): boolean {
  const given = req.headers['x-sessionjar-token'];
  if (typeof given === 'string' && matches(given)) return true;
  return basicCarriesToken(req.headers.authorization, matches) || basicCarriesToken(req.headers['proxy-authorization'], matches);
}

/**
 * The Host values a TCP listener answers to: its address and port, and the loopback names of it. A
 * wildcard bind (0.0.0.0, ::) listens on every interface, so each interface's address counts too:
 * callers name the machine by one of them, never by the wildcard.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const name = (h: string) => (h.includes(':') ? `[${h}]` : h).toLowerCase();
  const hosts = new Set([`${name(host)}:${port}`]);
  if (host === '0.0.0.0' || host === '::') {
    for (const address of Object.values(networkInterfaces()).flat()) {
      if (address && (host === '::' || address.family === 'IPv4')) hosts.add(`${name(address.address)}:${port}`);
    }
    hosts.add(`localhost:${port}`);
  }
  if (host === '127.0.0.1' || host === '::1') hosts.add(`localhost:${port}`);
  if (host === 'localhost') {
    hosts.add(`127.0.0.1:${port}`);
    hosts.add(`[::1]:${port}`);
  }
  if (port === 80) for (const h of [...hosts]) hosts.add(h.slice(0, h.lastIndexOf(':')));
  return hosts;
}

/** 127.0.0.0/8, ::1 and localhost: the binds that need no warning and may go without a token. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
