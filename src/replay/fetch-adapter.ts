import { HEADER_NAME } from '../session/schema/string-rules.js';
import type { ReplayRequestOptions } from './types.js';

/** Printable ASCII with nothing to trim: a value `Headers` would keep exactly as it is. */
const PLAIN_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

/**
 * A WHATWG Request (or URL + init) as the client's request options. The body is read into memory
 * so a 307/308 redirect or a retry can send it again.
 */
export async function fromFetchInput(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<{ url: string; options: ReplayRequestOptions }> {
  const body = init?.body;
  // The common call (a URL, maybe a method, headers and a string or byte body) skips building a
  // Request, which costs about as much as the whole request() path.
  if (typeof input === 'string' || input instanceof URL) {
    if (body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array) {
      return { url: typeof input === 'string' ? new URL(input).href : input.href, options: simpleOptions(init, body ?? null) };
    }
  }
  const request = new Request(input, init);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    url: request.url,
    options: {
      method: request.method,
      headers,
      body: request.body === null ? null : Buffer.from(await request.arrayBuffer()),
      signal: request.signal,
      redirect: request.redirect,
    },
  };
}

function simpleOptions(init: RequestInit | undefined, body: string | Uint8Array | null): ReplayRequestOptions {
  const headers = init?.headers === undefined ? {} : headerRecord(init.headers);
  // As fetch does for a string body.
  if (typeof body === 'string' && headers['content-type'] === undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
  const method = init?.method;
  return {
    ...(method === undefined ? {} : { method: method.toUpperCase() }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    body,
    ...(init?.signal ? { signal: init.signal } : {}),
    ...(init?.redirect === undefined ? {} : { redirect: init.redirect }),
  };
}

/**
 * Headers as `new Headers(init)` gives them, lower-cased. A plain object of valid names and plain
 * values (nearly every call) is copied directly, at less than half the cost; anything else, invalid
 * input included, goes through `Headers` for its exact normalization and errors.
 */
function headerRecord(init: HeadersInit): Record<string, string> {
  const plain = copyPlain(init);
  if (plain) return plain;
  const headers: Record<string, string> = {};
  new Headers(init).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/** A plain object whose every header `Headers` would keep as given, lower-cased; else undefined. */
function copyPlain(init: HeadersInit): Record<string, string> | undefined {
  if (Object.getPrototypeOf(init) !== Object.prototype || Object.getOwnPropertySymbols(init).length > 0) return undefined;
  const record = init as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const name of Object.keys(record)) {
    const value = record[name];
    const lower = name.toLowerCase();
    // A name given twice in different cases is joined by Headers.
    if (typeof value !== 'string' || !HEADER_NAME.test(name) || !PLAIN_VALUE.test(value) || out[lower] !== undefined) return undefined;
    out[lower] = value;
  }
  return out;
}
