import type { ReplayRequestOptions, ReplayResponse } from './client.js';

/** Statuses whose response has no body by definition (Fetch "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

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
  const headers: Record<string, string> = {};
  if (init?.headers !== undefined) {
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
  }
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

/** The client's response as a real `Response` with the final `url` and `redirected`, as fetch returns. */
export function toFetchResponse(response: ReplayResponse, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.append(name, value);
  }
  const empty = method === 'HEAD' || NULL_BODY.has(response.status);
  if (empty) response.body.resume();
  // Node's Response takes an async iterable (a Readable) as body; the DOM typings do not say so.
  const result = new Response(empty ? null : (response.body as unknown as BodyInit), {
    status: response.status,
    statusText: response.statusText ?? '',
    headers,
  });
  // A constructed Response has url '' and redirected false; fetch() sets both internally.
  Object.defineProperty(result, 'url', { value: response.url, enumerable: true });
  Object.defineProperty(result, 'redirected', { value: response.redirects.length > 0, enumerable: true });
  return result;
}
