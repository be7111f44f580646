import { SessionjarError } from '../core/errors.js';
import type { ReplayRequestOptions, ReplayResponse } from './types.js';

/**
 * CSRF tokens that a server puts only into its pages' HTML: a hidden form field (DokuWiki's
 * `sectok`, Rails' `authenticity_token`, Django's `csrfmiddlewaretoken`) or a meta tag (Rails'
 * `csrf-token`). A small attribute scan of `<input>` and `<meta>` tags, not an HTML parser: enough
 * for server-rendered pages, and no dependency.
 */

/** Pages longer than this are scanned only this far: forms with their tokens come early. */
const SCAN_LIMIT = 4 * 1024 * 1024;

const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (!lower.startsWith('#')) return ENTITIES[lower] ?? whole;
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function attributesOf(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of source.matchAll(ATTRIBUTE)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attributes;
}

/**
 * The `<input …>` and `<meta …>` tags of `html`, as tag name and attribute source, outside comments.
 * One pass, no regex over the whole page: an unclosed quote or comment ends the scan instead of
 * being retried from every later `<` (a hostile page must not cost quadratic time).
 */
function* tags(html: string): Generator<{ tag: string; source: string }> {
  let i = 0;
  for (;;) {
    const open = html.indexOf('<', i);
    if (open < 0) return;
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      if (close < 0) return;
      i = close + 3;
      continue;
    }
    const name = /^<(input|meta)[\s/>]/i.exec(html.slice(open, open + 7))?.[1];
    if (name === undefined) {
      i = open + 1;
      continue;
    }
    let j = open + name.length + 1;
    let quote = '';
    for (; j < html.length; j++) {
      const ch = html[j];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '>') break;
    }
    if (j >= html.length) return;
    yield { tag: name.toLowerCase(), source: html.slice(open + name.length + 1, j) };
    i = j + 1;
  }
}

/**
 * The value of the first `<input name="{name}" value="…">` or `<meta name="{name}" content="…">` in
 * `html` that has a non-empty one (comments skipped, entities decoded), or undefined.
 *
 * @example
 * ```ts
 * findPageToken('<input type="hidden" name="sectok" value="a1b2">', 'sectok'); // 'a1b2'
 * ```
 */
export function findPageToken(html: string, name: string): string | undefined {
  for (const { tag, source } of tags(html)) {
    const attributes = attributesOf(source);
    if (attributes.get('name') !== name) continue;
    const value = tag === 'meta' ? attributes.get('content') : attributes.get('value');
    if (value) return value;
  }
  return undefined;
}

interface Requester {
  request(input: string | URL, options?: ReplayRequestOptions): Promise<ReplayResponse>;
}

async function readText(response: ReplayResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= SCAN_LIMIT) {
      response.body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GETs `url` with the session (so cookies the page sets go into the jar too) and returns the token
 * named `name` from its HTML. A non-2xx page is `HTTP_ERROR`; a page without the token is
 * `TOKEN_NOT_FOUND`, naming the URL and the field.
 */
export async function fetchPageToken(client: Requester, url: string | URL, name: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  const response = await client.request(url, {
    headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.status < 200 || response.status >= 300) {
    await response.body.dump();
    throw new SessionjarError('HTTP_ERROR', `GET ${response.url} answered HTTP ${response.status}; the page that holds the "${name}" token must answer 2xx.`, {
      details: { url: response.url, status: response.status },
    });
  }
  const token = findPageToken(await readText(response), name);
  if (token === undefined) {
    throw new SessionjarError(
      'TOKEN_NOT_FOUND',
      `GET ${response.url} has no <input name="${name}"> or <meta name="${name}"> with a value. Check the field's name in the page source, or whether the session is still logged in (sessionjar status <name> --probe).`,
      { details: { url: response.url, field: name } },
    );
  }
  return token;
}
