import { chmod } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SessionjarError } from '../core/errors.js';
import { openSession, type OpenSessionOptions } from '../refresh/open.js';
import { createRefresher } from '../refresh/refresher.js';
import type { SessionClient } from '../replay/client.js';
import { defaultStore } from '../store/default-store.js';
import { forward, type Forwarding, type Listener, type LogEntry } from './forward.js';
import { allowedHosts, isLoopback, ownPath, tokenMatcher } from './guard.js';
import { TOKEN_HEADER } from './headers.js';
import { DEFAULT_REFRESH_LIMIT, RefreshLimit } from './refresh-limit.js';
import { Reclaimer } from './reclaim.js';
import { newToken } from './token.js';
import { upgrade } from './upgrade.js';

export interface ServeOptions {
  /** Origins to forward to (`https://app.example`), one listener each. */
  targets: string[];
  /** Port of the first listener, the next ones after it; 0 (default): free ports. */
  port?: number;
  /** Address to bind (default 127.0.0.1). Anything but loopback needs a token and warns. */
  host?: string;
  /** The token callers must send; default a fresh random one; `false`: none (loopback or unix socket only). */
  token?: string | false;
  /** Listen on this unix socket (made 0600) instead of TCP; one target; needs no token. */
  unixSocket?: string;
  /** Pass the target's Set-Cookie on to the caller too (the session keeps them either way). */
  passCookies?: boolean;
  /** Failed refreshes in a row before the gateway stops logging in (default 3; session names only). */
  refreshLimit?: number;
  /** Options for opening the session when it is given by name (store, CA, proxy, refresh...). */
  client?: OpenSessionOptions;
  /** One call per request (the CLI prints a log line). */
  onLog?: (entry: LogEntry) => void;
  onWarning?: (message: string) => void;
  /** How long close() waits for requests and WebSockets in flight before cutting them (default 10 s). */
  drainMs?: number;
  /**
   * Called while bodies stream, about every 2 MiB passed, to free the socket buffers they leave
   * (see reclaim.ts). The CLI passes V8's minor collection; without it a 100 MB body peaks 30-40 MB higher.
   */
  collectGarbage?: () => void;
}

export interface Gateway {
  /** Each listener's URL (`http://127.0.0.1:PORT`, or `unix:/path`) and the target it forwards to. */
  urls: { url: string; target: string }[];
  /** The token callers send in {@link tokenHeader}; undefined when none is asked. */
  token: string | undefined;
  tokenHeader: string;
  /** Stops accepting, finishes what is in flight, writes cookie updates to the session file. */
  close(): Promise<void>;
}

/** The longest timer Node keeps: no body timeout for streams and server-sent events, in effect. */
const FOREVER_MS = 2_147_483_647;

/**
 * A local gateway: every request to a listener goes to its target through the session (cookies,
 * headers, refresh, write-back). Loopback only unless `host` says otherwise; a token on every request
 * unless on loopback with `token: false` or on a unix socket. A session given by name is opened
 * here (with long body timeouts, and a refresh limit) and closed by `close()`; a client you opened
 * stays yours (its cookie updates are flushed on close).
 *
 * @example
 * ```ts
 * const gateway = await serveSession('github', { targets: ['https://api.github.com'] });
 * const res = await fetch(`${gateway.urls[0].url}/user`, { headers: { [gateway.tokenHeader]: gateway.token } });
 * await gateway.close();
 * ```
 */
export async function serveSession(session: string | SessionClient, options: ServeOptions): Promise<Gateway> {
  const targets = [...new Set(options.targets.map(targetOrigin))];
  if (targets.length === 0) throw new SessionjarError('USAGE', '--target: give at least one origin to forward to, e.g. --target https://app.example.');
  const host = options.host ?? '127.0.0.1';
  const socketPath = options.unixSocket;
  if (socketPath !== undefined && targets.length > 1) throw new SessionjarError('USAGE', '--unix-socket serves one --target; run one gateway per target.');
  const loopback = socketPath !== undefined || isLoopback(host);
  if (options.token === false && !loopback) throw new SessionjarError('USAGE', `--no-token: refused on ${host}, which is not loopback; anyone who reaches it would act as the recorded user.`);
  if (!loopback) options.onWarning?.(`binding ${host}: anyone who can reach it and has the token acts as the recorded user`);
  const token = options.token === false || (socketPath !== undefined && options.token === undefined) ? undefined : (options.token ?? newToken());
  const isToken = token === undefined ? undefined : tokenMatcher(token);

  const owned = typeof session === 'string';
  let limit: RefreshLimit | undefined;
  let client: SessionClient;
  if (typeof session === 'string') {
    const opened = openFor(session, options);
    limit = opened.limit;
    client = await opened.client;
  } else {
    client = session;
  }

  const how: Forwarding = {
    client,
    locals: new Map(),
    passCookies: options.passCookies === true,
    sessionDefaults: new Set(Object.keys(client.session.headers.default).map((name) => name.toLowerCase())),
    limit,
    log: options.onLog ?? (() => undefined),
    reclaimer: options.collectGarbage === undefined ? undefined : new Reclaimer(options.collectGarbage),
  };
  const tls = { ...(options.client?.ca === undefined ? {} : { ca: options.client.ca }), ...(options.client?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}) };
  const servers: Server[] = [];
  const upgraded = new Set<Duplex>();
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const urls: Gateway['urls'] = [];
  try {
    for (const [i, target] of targets.entries()) {
      const server = createServer({ requireHostHeader: true, insecureHTTPParser: false });
      servers.push(server);
      const address = await listen(server, socketPath, host, options.port ? options.port + i : 0);
      const local = typeof address === 'string' ? `unix:${address}` : `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      // On a unix socket a Location at the target becomes a path: the caller's base is the socket.
      const base = typeof address === 'string' ? '' : local;
      const listener: Listener = { target, local: base, guard: { hosts: typeof address === 'string' ? undefined : allowedHosts(host, address.port), isToken } };
      how.locals.set(target, base);
      urls.push({ url: local, target });
      server.on('request', (req, res) => {
        inFlight++;
        absoluteToPath(req, listener);
        res.on('close', () => {
          if (--inFlight === 0) idle?.();
        });
        void forward(listener, how, req, res);
      });
      server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
        absoluteToPath(req, listener);
        upgrade(listener, how, tls, req, socket, head, upgraded);
      });
    }
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (owned) await client.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = async () => {
    for (const server of servers) {
      server.close();
      server.closeIdleConnections();
    }
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.drainMs ?? 10_000);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const server of servers) server.closeAllConnections();
    for (const socket of upgraded) socket.destroy();
    await (owned ? client.close() : client.flush());
  };
  return { urls, token, tokenHeader: TOKEN_HEADER, close: () => (closing ??= close()) };
}

/** A request line in absolute form naming this listener becomes its path (see {@link ownPath}). */
function absoluteToPath(req: IncomingMessage, listener: Listener): void {
  const url = req.url;
  if (url !== undefined && url.charCodeAt(0) !== 0x2f) req.url = ownPath(url, listener.guard.hosts) ?? url;
}

/** Opens a named session with the gateway's timeouts and a refresher that gives up. */
function openFor(name: string, options: ServeOptions): { client: Promise<SessionClient>; limit: RefreshLimit | undefined } {
  const { refresh, ...given } = options.client ?? {};
  const clientOptions = {
    ...given,
    // A stream or server-sent events may pause for minutes; the caller has its own timeouts.
    timeouts: { headers: 300_000, body: FOREVER_MS, total: FOREVER_MS, ...given.timeouts },
  };
  if (given.autoRefresh === false) return { client: openSession(name, clientOptions), limit: undefined };
  const env = given.env ?? process.env;
  const store = given.store ?? defaultStore(env);
  const inner = given.refresher ?? createRefresher({ env, client: clientOptions, ...refresh, store, name });
  const limit = new RefreshLimit(inner, options.refreshLimit ?? DEFAULT_REFRESH_LIMIT);
  return { client: openSession(name, { ...clientOptions, store, refresher: limit }), limit };
}

function listen(server: Server, socketPath: string | undefined, host: string, port: number): Promise<AddressInfo | string> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = socketPath ?? `${host}:${port}`;
      reject(new SessionjarError('IO_ERROR', `cannot listen on ${where} (${error.code ?? error.message}); pick another ${socketPath ? '--unix-socket path' : '--port (0 picks a free one)'}.`, { cause: error }));
    });
    if (socketPath === undefined) {
      server.listen(port, host, () => resolve(server.address() as AddressInfo));
      return;
    }
    // Made 0600 from the start: the socket is the credential (kubectl proxy does the same with umask 077).
    const umask = process.umask(0o177);
    try {
      server.listen(socketPath, () => {
        void chmod(socketPath, 0o600).then(() => resolve(socketPath), reject);
      });
    } finally {
      process.umask(umask);
    }
  });
}

function targetOrigin(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new SessionjarError('USAGE', `--target: "${target}" is not an origin; give one like https://app.example.`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search) {
    throw new SessionjarError('USAGE', `--target: "${target}" is not an origin (scheme, host and port only); give one like https://app.example.`);
  }
  return url.origin;
}
