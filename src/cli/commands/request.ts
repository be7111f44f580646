import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { SessionjarError } from '../../core/errors.js';
import { scrubText } from '../../core/redact.js';
import type { PoolOptions } from '../../pool/pool.js';
import type { ClientOptions, ReplayEvent } from '../../replay/options.js';
import type { SessionStore } from '../../store/types.js';
import { storeFor } from '../context.js';
import { applyCsrfToken, planCsrf, type CsrfPlan, type CsrfRaw } from '../csrf.js';
import { bodyRegExp, bytes, count, httpStatuses, pickStrategy, positiveNumber, seconds } from '../option-values.js';
import { describeEvent, tooLargeNote, writeResponse } from '../request-output.js';
import { upstreamClientOptions } from '../upstream-options.js';

/** What `sessionjar request` was asked to do, parsed and checked. */
export interface RequestCliOptions {
  /** Session name or path of a session file. */
  session: string;
  url: string;
  method: string;
  /** null: leave the header out (`-H 'Name:'`, as curl and HTTPie). */
  headers: Record<string, string | null>;
  body?: Buffer;
  /** Status line and headers before the body. */
  include: boolean;
  /** Write the body (and with `include`, the head) to this file instead of stdout. */
  output?: string;
  /** curl's -f: on HTTP ≥ 400 print no body and fail with HTTP_ERROR (exit 22). */
  fail: boolean;
  verbose: boolean;
  /** Show secret header values in `-v` and `-i` output. */
  reveal: boolean;
  /** --csrf-from: a token read from a page's HTML just before the request. */
  csrf?: CsrfPlan;
  /** Log in again this long before the expiry (the refresher's default when absent). */
  marginSeconds?: number;
  /** --pool: send through the next ready account of this pool (`session` is then the prefix). */
  pool?: string;
  /** --pick, --blocked-status, --blocked-body: how the pool picks and judges. */
  poolOptions?: Pick<PoolOptions, 'pick' | 'blockedStatuses' | 'blockedBody'>;
  client: ClientOptions;
}

export interface RequestIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
}

/** The options as commander hands them to the action (request-argv.ts reads them the same way). */
export interface RawOptions extends CsrfRaw {
  method?: string;
  header: string[];
  data?: string;
  json?: string;
  include?: boolean;
  output?: string;
  fail?: boolean;
  http2?: boolean;
  proxy?: string;
  trustEnv: boolean;
  cacert?: string;
  insecure?: boolean;
  timeout?: string;
  maxRedirects?: string;
  maxHeaderSize?: string;
  readOnly?: boolean;
  refresh: boolean;
  margin?: string;
  verbose?: boolean;
  reveal?: boolean;
  pool?: string;
  pick?: string;
  blockedStatus?: string;
  blockedBody?: string;
}

/** Default CLI timeouts, each capped by --timeout: a dead server fails fast, a slow body may take the whole budget. */
const CONNECT_MS = 10_000;
const HEADERS_MS = 30_000;

export function makeRequestCommand(): Command {
  return new Command('request')
    .alias('req')
    .description('Send one HTTP request as the recorded user; the body goes to stdout as raw bytes')
    .usage('[options] <name> <url>  |  --pool <prefix> [options] <url>')
    // Optional to commander, so that `request --pool shop` without its URL gets our message, not "missing 'name'".
    .argument('[name]', 'session name, or path of a session file')
    .argument('[url]', 'absolute http(s) URL (with --pool, the only argument)')
    .option('-X, --method <method>', 'HTTP method (default GET, POST with -d or --json)')
    .option('-H, --header <header>', "extra header 'Name: value' (repeatable)", (value: string, list: string[]) => [...list, value], [])
    .option('-d, --data <data>', 'request body: text, @file, or @- for stdin (Content-Type form-urlencoded unless set)')
    .option('--json <json>', 'JSON body (text, @file or @-); sets Content-Type and Accept to application/json')
    .option('-i, --include', 'print the status line and response headers before the body')
    .option('-o, --output <file>', 'write the body to <file> instead of stdout')
    .option('--fail', 'on HTTP status ≥ 400 print no body and exit 22 (as curl -f)')
    .option('--http2', 'use HTTP/2 over TLS when the server offers it')
    .option('--proxy <url>', 'send through this proxy (wins over HTTP_PROXY/HTTPS_PROXY)')
    .option('--no-trust-env', 'ignore HTTP_PROXY / HTTPS_PROXY / NO_PROXY')
    .option('--cacert <file>', 'trust the CA certificates in this PEM file instead of the built-in ones (as curl)')
    .option('-k, --insecure', 'do not verify TLS certificates (as curl -k); cookies and tokens still go only where they belong')
    .option('--timeout <seconds>', 'give up after this long, redirects and body included (default 60)')
    .option('--max-redirects <n>', 'redirects to follow (default 10; 0 returns the redirect itself)')
    .option('--max-header-size <bytes>', 'largest response head accepted (default 262144, 256 KiB)')
    .option('--read-only', 'do not write cookie updates back to the session file')
    .option('--no-refresh', 'do not log in again when the session turns out expired')
    .option('--margin <seconds>', 'log in again this long before the expiry (default 60; at most half of what a login grants)')
    .option('-v, --verbose', 'print request and response headers of every hop to stderr, secrets redacted')
    .option('--reveal', 'show cookie and token values in -v and -i output')
    .option('--csrf-from <page-url>', 'first GET this page and read a CSRF token from its HTML (an <input> or <meta> named --csrf-field)')
    .option('--csrf-field <name>', 'name of the token in the page (sectok, csrfmiddlewaretoken, authenticity_token, csrf-token); sent as this form or JSON field')
    .option('--csrf-header <name>', 'send the token as this header instead of a body field (e.g. X-CSRF-Token)')
    .option('--pool <prefix>', 'send as the next ready account of the pool <prefix>-… (see `sessionjar pool status`); give only the URL')
    .option('--pick <strategy>', 'with --pool: round-robin (default), lru (least recently used across every process) or until-failure')
    .option('--blocked-status <codes>', 'with --pool: comma-separated statuses that mean the site blocked the account (default 403): quarantined')
    .option('--blocked-body <regex>', 'with --pool: a body matching this (source or /source/flags) means blocked, such as a captcha page')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sessionjar request github https://api.github.com/user',
        '  sessionjar request --pool shop https://shop.example/api/orders',
        "  sessionjar request --pool shop --pick lru --blocked-status 403,451 --blocked-body '/captcha/i' https://shop.example/api/orders",
        "  sessionjar req shop https://shop.example/api/cart -X POST --json '{\"sku\":\"A1\",\"qty\":2}'",
        '  sessionjar req intranet https://intranet.example/report.pdf -o report.pdf --fail',
        '  echo "q=1" | sessionjar req app https://app.example/search -d @- -i -v',
        "  sessionjar req wiki https://wiki.example/doku.php -d 'id=start&do=save' --csrf-from 'https://wiki.example/doku.php?id=start&do=edit' --csrf-field sectok",
      ].join('\n'),
    )
    .action((name: string | undefined, url: string | undefined, raw: RawOptions, command: Command) => runRequest(name, url, raw, storeFor(command)));
}

/** The command's action; also run without commander for a plain command line (cli/request-fast.ts). */
export async function runRequest(name: string | undefined, url: string | undefined, raw: RawOptions, store: SessionStore): Promise<void> {
  if (name === undefined && raw.pool !== undefined) {
    throw new SessionjarError('USAGE', `missing the URL: --pool ${raw.pool} picks the session, give the URL to send to, as in \`sessionjar request --pool ${raw.pool} https://shop.example/api/orders\`.`);
  }
  if (name === undefined) throw new SessionjarError('USAGE', "missing required argument 'name': give the session name and the URL, as in `sessionjar request github https://api.github.com/user`.");
  // `request --pool shop <url>`: the one argument is the URL, the pool stands for the session.
  if (raw.pool !== undefined && url !== undefined) {
    throw new SessionjarError('USAGE', `--pool ${raw.pool} picks the session: give only the URL, as in \`sessionjar request --pool ${raw.pool} ${url}\`.`);
  }
  if (raw.pool === undefined && url === undefined) throw new SessionjarError('USAGE', "missing required argument 'url': give it after the session name, as in `sessionjar request github https://api.github.com/user`.");
  const [session, target] = raw.pool === undefined ? [name, url as string] : [raw.pool, name];
  // process.stdin sets up a stream on first read of it: only a body from `@-` needs one.
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
  };
  const options = await parseRequestOptions(session, target, raw, io);
  await sendRequest(options, store, io);
}

/** Turns the command line into {@link RequestCliOptions}; every mistake is a USAGE error naming the value. */
export async function parseRequestOptions(session: string, url: string, raw: RawOptions, io: Pick<RequestIo, 'stdin'>): Promise<RequestCliOptions> {
  if (!/^https?:\/\//i.test(url)) {
    throw new SessionjarError('USAGE', `<url>: "${url}" is not an absolute http(s) URL; give one like https://example.com/path.`);
  }
  if (raw.data !== undefined && raw.json !== undefined) {
    throw new SessionjarError('USAGE', '-d/--data and --json both give a body; use one of them.');
  }
  const headers = parseHeaders(raw.header);
  let body: Buffer | undefined;
  if (raw.data !== undefined) {
    body = await readBodyArg(raw.data, '-d/--data', io);
    setDefault(headers, 'content-type', 'application/x-www-form-urlencoded');
  } else if (raw.json !== undefined) {
    body = await readBodyArg(raw.json, '--json', io);
    try {
      JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new SessionjarError('USAGE', `--json: not valid JSON (${(error as Error).message}).`);
    }
    setDefault(headers, 'content-type', 'application/json');
    setDefault(headers, 'accept', 'application/json');
  }
  if (raw.pool !== undefined && raw.csrfFrom !== undefined) throw new SessionjarError('USAGE', '--csrf-from cannot be used with --pool: the token and the request must come from the same account.');
  const poolOptions = {
    ...(raw.pick === undefined ? {} : { pick: pickStrategy(raw.pick, '--pick') }),
    ...(raw.blockedStatus === undefined ? {} : { blockedStatuses: httpStatuses(raw.blockedStatus, '--blocked-status') }),
    ...(raw.blockedBody === undefined ? {} : { blockedBody: bodyRegExp(raw.blockedBody, '--blocked-body') }),
  };
  if (raw.pool === undefined && Object.keys(poolOptions).length > 0) {
    throw new SessionjarError('USAGE', '--pick, --blocked-status and --blocked-body are for --pool: add --pool <prefix>, or leave them out.');
  }
  const csrf = planCsrf(raw, headers, body);
  body = csrf.body;
  const method = (raw.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  if (!/^[A-Z0-9!#$%&'*+.^_`|~-]+$/.test(method)) {
    throw new SessionjarError('USAGE', `-X/--method: "${raw.method}" is not an HTTP method; give one like GET, POST or DELETE.`);
  }
  const timeoutMs = raw.timeout === undefined ? undefined : positiveNumber(raw.timeout, '--timeout') * 1000;
  const maxRedirects = raw.maxRedirects === undefined ? undefined : count(raw.maxRedirects, '--max-redirects');
  const maxHeaderBytes = raw.maxHeaderSize === undefined ? undefined : bytes(raw.maxHeaderSize, '--max-header-size');
  return {
    session,
    url,
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    include: raw.include === true,
    ...(raw.output === undefined ? {} : { output: raw.output }),
    fail: raw.fail === true,
    verbose: raw.verbose === true,
    reveal: raw.reveal === true,
    ...(csrf.plan ? { csrf: csrf.plan } : {}),
    ...(raw.margin === undefined ? {} : { marginSeconds: seconds(raw.margin, '--margin') }),
    ...(raw.pool === undefined ? {} : { pool: raw.pool, poolOptions }),
    client: {
      ...(await upstreamClientOptions(raw)),
      ...(maxRedirects === undefined ? {} : { maxRedirects }),
      ...(maxHeaderBytes === undefined ? {} : { maxResponseHeaderBytes: maxHeaderBytes }),
      ...(timeoutMs === undefined
        ? {}
        : { timeouts: { total: timeoutMs, connect: Math.min(CONNECT_MS, timeoutMs), headers: Math.min(HEADERS_MS, timeoutMs) } }),
    },
  };
}

/**
 * Sends the request through the session and writes the response: head (with -i) and body to
 * stdout or the -o file, hops to stderr (with -v). Resolves once the output is written and cookie
 * updates are saved; throws HTTP_ERROR for --fail on status ≥ 400.
 */
export async function sendRequest(options: RequestCliOptions, store: SessionStore, io: RequestIo): Promise<void> {
  // Without -v only a 431 is told about (which cookies made the request too large for the server).
  const onEvent = options.verbose
    ? (event: ReplayEvent) => io.stderr.write(describeEvent(event, options.reveal))
    : (event: ReplayEvent) => event.type === 'headers-too-large' && io.stderr.write(`sessionjar: note: ${tooLargeNote(event, options.reveal)}\n`);
  if (options.pool !== undefined) return (await import('../pool-request.js')).sendThroughPool(options, store, io, onEvent);
  const { openSession } = await import('../../replay/client.js');
  // autoRefresh: the refresher logs in again when the session is stale or answered as logged out.
  const refresher =
    options.client.autoRefresh === false
      ? undefined
      : (await import('../../refresh/refresher.js')).createRefresher({
          store,
          name: options.session,
          client: options.client,
          reveal: options.reveal,
          ...(options.marginSeconds === undefined ? {} : { marginSeconds: options.marginSeconds }),
          ...(options.verbose ? { onStatus: (line: string) => io.stderr.write(scrubText(`* refresh: ${line}\n`, options.reveal)) } : {}),
        });
  const session = await openSession(options.session, { ...options.client, store, onEvent, ...(refresher ? { refresher } : {}) });
  try {
    const { headers, body } = options.csrf
      ? applyCsrfToken(options.csrf, await session.pageToken(options.csrf.from, options.csrf.field), options.headers, options.body)
      : options;
    const res = await session.request(options.url, {
      method: options.method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    await writeResponse(res, options, io);
  } finally {
    await session.close();
  }
}

/**
 * `-H` values to a header record: `Name: value`; as in curl and HTTPie, `Name:` leaves the header
 * out (the session's own too) and `Name;` sends it empty. Repeated names are joined with ", " as
 * HTTP allows.
 */
function parseHeaders(values: string[]): Record<string, string | null> {
  const headers: Record<string, string | null> = {};
  for (const value of values) {
    const empty = /^[^:]+;\s*$/.test(value);
    const colon = empty ? value.indexOf(';') : value.indexOf(':');
    const name = colon < 0 ? '' : value.slice(0, colon).trim();
    // The value is not repeated: a mistyped `-H 'Authorization Bearer …'` holds a credential.
    if (colon < 0) {
      throw new SessionjarError('USAGE', `-H/--header: a value without a colon is not 'Name: value' (not repeated here: it may hold a credential); give one like -H 'Accept: text/html'.`);
    }
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new SessionjarError('USAGE', `-H/--header: "${name}" is not a header name; give one like -H 'Accept: text/html'.`);
    }
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
    const text = empty ? '' : value.slice(colon + 1).trim();
    const before = headers[existing];
    if (text === '' && !empty) headers[existing] = null;
    else headers[existing] = before === undefined || before === null ? text : `${before}, ${text}`;
  }
  return headers;
}

function setDefault(headers: Record<string, string | null>, name: string, value: string): void {
  if (!Object.keys(headers).some((key) => key.toLowerCase() === name)) headers[name] = value;
}

/** `text`, `@file` or `@-` (stdin), as raw bytes: curl's --data-binary, so a file is sent unchanged. */
async function readBodyArg(arg: string, option: string, io: Pick<RequestIo, 'stdin'>): Promise<Buffer> {
  if (!arg.startsWith('@')) return Buffer.from(arg, 'utf8');
  const file = arg.slice(1);
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return Buffer.concat(chunks);
  }
  return readOptionFile(file, option);
}

async function readOptionFile(file: string, option: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new SessionjarError('INPUT_INVALID', `${option}: cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { cause: error });
  }
}
