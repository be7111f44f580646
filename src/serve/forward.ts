import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { isSessionjarError } from '../core/errors.js';
import { scrubText } from '../core/redact.js';
import type { SessionClient } from '../replay/client.js';
import { requestBody } from './body.js';
import { refuse, type GuardConfig } from './guard.js';
import { answerHeaders, clientDecodes, ERROR_HEADER, forwardHeaders, headerSafe } from './headers.js';
import { oneLine } from './log.js';
import type { Reclaimer } from './reclaim.js';
import type { RefreshLimit } from './refresh-limit.js';

/** One listener: the target it forwards to, its own URL, what it accepts. */
export interface Listener {
  target: string;
  local: string;
  guard: GuardConfig;
}

/** What one request handler needs of the gateway. */
export interface Forwarding {
  client: SessionClient;
  /** Target origin → local URL of its listener. */
  locals: Map<string, string>;
  passCookies: boolean;
  /**
   * Lower-case names of the session's recorded defaults (User-Agent...): they win over a tool's
   * own. Read once at start: the client rebuilds `session` whenever a cookie changes.
   */
  sessionDefaults: Set<string>;
  limit: RefreshLimit | undefined;
  log: (entry: LogEntry) => void;
  /** Frees the buffers of bodies streaming through (see reclaim.ts); none in a library caller's process. */
  reclaimer: Reclaimer | undefined;
}

/** One request, as the log line shows it: no query string, header or body (they can hold secrets). */
export interface LogEntry {
  method: string;
  path: string;
  target: string;
  status: number;
  ms: number;
  refreshed: boolean;
  /** Why the gateway answered itself. */
  error?: string;
}

/**
 * Forwards one request through the session's client and streams the answer back: the caller's
 * headers (cookies before the session's), the body streamed (kept whole up to 1 MiB so it can be
 * resent after a refresh), redirects passed through unless `X-Sessionjar-Redirect: follow`.
 */
export async function forward(listener: Listener, how: Forwarding, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?', 1)[0] as string;
  // Set by the client when a refresh succeeded for this request and it is sent with the fresh
  // session: a request option, not an AsyncLocalStorage, which costs a promise hook on every
  // promise of the process.
  let refreshed = false;
  const onRefresh = () => {
    refreshed = true;
  };
  const done = (status: number, error?: string) =>
    how.log({ method, path, target: listener.target, status, ms: Math.round(performance.now() - started), refreshed, ...(error ? { error: oneLine(error) } : {}) });
  const refusal = refuse(req, listener.guard);
  if (refusal) {
    answerRefusal(res, refusal);
    return done(refusal.status, refusal.reason);
  }
  const url = listener.target + (req.url as string);
  try {
    const headers = forwardHeaders(req.headers, {
      sessionDefaults: how.sessionDefaults,
      local: listener.local,
      target: listener.target,
      isToken: listener.guard.isToken ?? (() => false),
    });
    const body = await requestBody(req);
    if (body === req) reclaim(how.reclaimer, res);
    const redirect = String(req.headers['x-sessionjar-redirect']).toLowerCase() === 'follow' ? 'follow' : 'manual';
    const response = await how.client.request(url, { method, headers, body, redirect, onRefresh });
    if (refreshed) how.limit?.restored();
    const out = answerHeaders(response.headers, {
      locals: how.locals,
      url: response.url,
      passCookies: how.passCookies,
      decoded: clientDecodes(response.headers['content-encoding'], response.status, method),
    });
    const length = Number(out['content-length']);
    if (length <= SMALL_BODY_BYTES) {
      // A small answer in one write, head and body together: no stream plumbing per request.
      const data = Buffer.from(await response.body.arrayBuffer());
      res.writeHead(response.status, response.statusText || undefined, out);
      res.end(data);
      return done(response.status);
    }
    res.writeHead(response.status, response.statusText || undefined, out);
    // A body of unknown length (server-sent events, a slow stream): the caller sees the head now,
    // not with the first chunk.
    if (out['content-length'] === undefined) res.flushHeaders();
    done(response.status);
    reclaim(how.reclaimer, res);
    streamBody(response.body, res);
  } catch (error) {
    const failure = answerFailure(error, how.limit);
    if (res.headersSent) res.destroy();
    else answerRefusal(res, failure);
    done(failure.status, failure.reason);
  }
}

/** Answers up to this size are read whole before they are passed on (one write); longer ones stream. */
const SMALL_BODY_BYTES = 64 * 1024;

/**
 * Pipes the target's body to the caller with backpressure; a caller who goes away ends the target's
 * body (and so the request to it), a target that breaks off cuts the caller's connection.
 */
function streamBody(body: Readable, res: ServerResponse): void {
  body.on('error', () => res.destroy());
  res.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(res);
}

/** Has `reclaimer` watch the caller's socket while this request's body or answer streams. */
function reclaim(reclaimer: Reclaimer | undefined, res: ServerResponse): void {
  const socket = res.socket;
  if (reclaimer === undefined || socket === null) return;
  reclaimer.watch(socket);
  res.once('close', () => reclaimer.unwatch(socket));
}

/** The gateway's own answer: a status, the reason as a header and as text, and no keep-alive. */
export function answerRefusal(res: ServerResponse, refusal: { status: number; reason: string }): void {
  const text = `sessionjar: ${refusal.reason}\n`;
  res.writeHead(refusal.status, {
    [ERROR_HEADER]: headerSafe(refusal.reason),
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.end(text);
}

/**
 * A request the gateway could not complete, as an answer: a session that no refresh restores is
 * 401 (the caller should stop, not retry); a target that cannot be reached or timed out 502/504.
 */
function answerFailure(error: unknown, limit: RefreshLimit | undefined): { status: number; reason: string } {
  const message = scrubText(error instanceof Error ? error.message : String(error));
  if (!isSessionjarError(error)) return { status: 502, reason: `INTERNAL: ${message}` };
  if (error.code === 'SESSION_EXPIRED') limit?.notRestored();
  const reason = `${error.code}: ${message}`;
  if (error.code === 'TIMEOUT') return { status: 504, reason };
  if (error.code === 'NETWORK_ERROR' || error.code === 'REDIRECT_ERROR' || error.code === 'USAGE' || error.code === 'INTERNAL') return { status: 502, reason };
  return { status: 401, reason };
}
