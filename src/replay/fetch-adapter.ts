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
  const request = new Request(input, init);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = request.body === null ? null : Buffer.from(await request.arrayBuffer());
  return {
    url: request.url,
    options: { method: request.method, headers, body, signal: request.signal, redirect: request.redirect },
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
