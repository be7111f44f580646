import { createWriteStream } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SessionjarError, isSessionjarError } from '../core/errors.js';
import { redactHeader, registerSecrets, scrubText } from '../core/redact.js';
import type { ReplayResponse } from '../replay/client.js';
import { describeCookieSizes } from '../replay/cookie-size.js';
import type { ReplayEvent } from '../replay/options.js';

/** What `request` prints of an answer, and where (`request` and `request --pool` alike). */
export interface ResponseOutput {
  method: string;
  /** Status line and headers before the body (-i). */
  include: boolean;
  /** Write the body (and with `include`, the head) to this file instead of stdout (-o). */
  output?: string;
  /** curl's -f: on HTTP ≥ 400 print no body and fail with HTTP_ERROR (exit 22). */
  fail: boolean;
  /** Show secret header values. */
  reveal: boolean;
}

/** Writes an answer as the options ask: --fail, -i, -o; EPIPE on stdout ends quietly. */
export async function writeResponse(res: ReplayResponse, options: ResponseOutput, io: { stdout: Writable }): Promise<void> {
  if (options.fail && res.status >= 400) {
    await res.body.dump();
    throw new SessionjarError('HTTP_ERROR', `${options.method} ${res.url} returned HTTP ${res.status} ${statusText(res.status, res.statusText)}.`, {
      details: { status: res.status, url: res.url },
    });
  }
  const out = options.output === undefined ? io.stdout : createWriteStream(options.output);
  if (options.include) {
    // The head may echo a cookie some hop set: those are secrets too.
    // The session's own cookies are known to the scrubber while it is open; a refused one is not.
    if (!options.reveal) registerSecrets(setCookieValues(res.headers['set-cookie']));
    out.write(formatHead(res.status, res.statusText, res.headers, options.reveal));
  }
  try {
    await pipeline(res.body, out, { end: out !== io.stdout });
  } catch (error) {
    if (isSessionjarError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // The reader went away (`| head`): like curl, stop quietly.
    if (code === 'EPIPE' && out === io.stdout) return;
    if (options.output !== undefined && code?.startsWith('E')) {
      throw new SessionjarError('IO_ERROR', `-o ${options.output}: cannot write the body (${code}).`, { cause: error });
    }
    throw error;
  }
}

function statusText(status: number, given?: string): string {
  return given || STATUS_CODES[status] || '';
}

/** curl -i's head: status line, one line per header value, blank line. */
function formatHead(status: number, text: string | undefined, headers: Record<string, string | string[]>, reveal: boolean): string {
  // The reason phrase is the server's to choose: it may repeat a secret too.
  const lines = [`HTTP ${status} ${scrubText(statusText(status, text), reveal)}`.trimEnd()];
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${redactHeader(name, one, reveal)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** One `-v` block, curl style: `>` what was sent, `<` what came back, `*` what the client did. */
export function describeEvent(event: ReplayEvent, reveal: boolean): string {
  const headerLines = (prefix: string, headers: Record<string, string | string[]>) =>
    Object.entries(headers).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((one) => `${prefix} ${name}: ${redactHeader(name, one, reveal)}`),
    );
  // A redirect's URL may carry a code or token (OIDC callbacks); the user's own URL is shown the same way.
  const url = (href: string) => scrubText(href, reveal);
  switch (event.type) {
    case 'request':
      return `${[`> ${event.method} ${url(event.url)}`, ...headerLines('>', event.headers), '>'].join('\n')}\n`;
    case 'response':
      // Cookies a server sets are secrets from now on, wherever a later header or hop echoes them.
      registerSecrets(setCookieValues(event.headers['set-cookie']));
      return `${[`< ${event.status} ${statusText(event.status)}`.trimEnd(), ...headerLines('<', event.headers), '<'].join('\n')}\n`;
    case 'retry':
      return `* retry ${event.attempt} of ${event.method} ${url(event.url)} in ${event.delayMs} ms (${event.reason})\n`;
    case 'refresh':
      return `* session looks ${event.reason === 'stale' ? 'expired' : 'logged out'} at ${url(event.url)}; refreshing\n`;
    case 'cookie-refused':
      return `* ignored cookie "${event.name}" set by ${url(event.url)}: ${event.reason}\n`;
    case 'write-back':
      return `* saved ${event.cookies} cookie update(s) to the session file\n`;
    case 'headers-too-large':
      return `* ${tooLargeNote(event, reveal)}\n`;
  }
}

/** What a 431 was about, for -v and, without it, as a note: the Cookie header by size, names only. */
export function tooLargeNote(event: Extract<ReplayEvent, { type: 'headers-too-large' }>, reveal: boolean): string {
  return `${scrubText(event.url, reveal)} answered ${event.status} ${statusText(event.status)}: the request carried ${describeCookieSizes(event.cookieBytes, event.cookies)}`;
}

/** The values of Set-Cookie headers (the part before the first `;`, after the first `=`). */
function setCookieValues(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  return (Array.isArray(header) ? header : [header]).map((line) => {
    const pair = line.split(';', 1)[0] ?? '';
    return pair.slice(pair.indexOf('=') + 1).trim();
  });
}
