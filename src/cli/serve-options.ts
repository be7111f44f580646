import type { Command } from 'commander';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { OpenSessionOptions } from '../refresh/open.js';
import type { LogEntry } from '../serve/forward.js';
import type { ServeOptions } from '../serve/gateway.js';
import { formatLogLine } from '../serve/log.js';
import type { SessionStore } from '../store/types.js';
import { warn } from './output.js';
import { upstreamClientOptions, type UpstreamRaw } from './upstream-options.js';

/** The options `serve` and `exec` share, as commander hands them over. */
export interface GatewayRaw extends UpstreamRaw {
  target?: string[];
  passCookies?: boolean;
  json?: boolean;
}

/** Adds the shared options (targets, cookies, upstream TLS and proxy, refresh) to a command; `json`: what --json does there. */
export function gatewayOptions(command: Command, json: string): Command {
  return command
    .option('--target <origin>', 'origin to forward to, e.g. https://app.example (repeatable: one listener each)', (value: string, list: string[] = []) => [...list, value])
    .option('--pass-cookies', "pass the target's Set-Cookie on to the caller too (the session keeps them either way)")
    .option('--json', json)
    .option('--http2', 'use HTTP/2 to the target when it offers it')
    .option('--proxy <url>', 'reach the target through this proxy (wins over HTTP_PROXY/HTTPS_PROXY)')
    .option('--no-trust-env', 'ignore HTTP_PROXY / HTTPS_PROXY / NO_PROXY')
    .option('--cacert <file>', "trust the CA certificates in this PEM file for the target's TLS (as curl)")
    .option('-k, --insecure', "do not verify the target's TLS certificate (as curl -k)")
    .option('--read-only', 'do not write cookie updates back to the session file')
    .option('--no-refresh', 'do not log in again when the session turns out expired');
}

/**
 * V8 settings for a process whose job is the gateway (`serve`, `exec`), set before its first request
 * loads undici's parser; returns V8's minor collection, for the gateway to free the buffers of
 * streaming bodies with (serve/reclaim.ts). Measured over 100 MB each way (README, "Gateway speed"):
 * 99-103 MB peak RSS without the collections, 74-81 MB with them, from 61 MB at rest.
 * - `--liftoff-only`, as a plain request has it: V8 otherwise recompiles undici's WebAssembly parser
 *   with TurboFan once it turns hot (the first large body), 29 MB of compiler memory at once and
 *   0.4 s of CPU, for code that parses an answer 2-3 µs faster.
 * - `--expose-gc`, read by a new context only: the collection is there to call, and no global `gc`.
 * The library's `serveSession` sets no flag: the process is its caller's.
 */
export function tuneV8ForGateway(): () => void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  return () => gc({ type: 'minor' });
}

/** ServeOptions from the shared options; the caller adds port, bind, token and socket. */
export async function gatewayServeOptions(raw: GatewayRaw, store: SessionStore, log: boolean): Promise<ServeOptions> {
  const client: OpenSessionOptions = { store, ...(await upstreamClientOptions(raw)) };
  const json = raw.json === true;
  return {
    targets: raw.target ?? [],
    passCookies: raw.passCookies === true,
    client,
    onWarning: warn,
    ...(log ? { onLog: batchedLog(json) } : {}),
  };
}

/**
 * Log lines gathered over one turn of the event loop and written together: under load one write
 * to stderr per turn, not one per request (a write to a pipe or terminal is a system call).
 */
function batchedLog(json: boolean): (entry: LogEntry) => void {
  let pending = '';
  const flush = () => {
    process.stderr.write(pending);
    pending = '';
  };
  return (entry) => {
    if (pending === '') setImmediate(flush);
    pending += formatLogLine(entry, json);
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on).off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on).on('SIGTERM', on);
  });
}
