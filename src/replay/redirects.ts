import { SessionjarError } from '../core/errors.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Where a redirect response points, or undefined when it is not one to follow (not 301/302/303/
 * 307/308, or no Location). A Location that is not http(s) or carries user:password@ is refused.
 *
 * @example
 * ```ts
 * redirectTarget(302, '/next', new URL('http://127.0.0.1:8080/a')); // URL http://127.0.0.1:8080/next
 * ```
 */
export function redirectTarget(status: number, location: string | string[] | undefined, from: URL): URL | undefined {
  if (!REDIRECT_STATUSES.has(status) || location === undefined) return undefined;
  const value = Array.isArray(location) ? location[0] : location;
  if (value === undefined || value === '') return undefined;
  let target: URL;
  try {
    target = new URL(value, from);
  } catch {
    throw redirectError(from, `its Location "${value}" is not a valid URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw redirectError(from, `its Location uses ${target.protocol}, and only http: and https: redirects are followed`);
  }
  if (target.username !== '' || target.password !== '') {
    throw redirectError(from, `its Location carries a user name or password (${target.host}); sessionjar does not send credentials from a redirect`);
  }
  target.hash = '';
  return target;
}

/**
 * The method of the next hop, as browsers do: 303 turns everything but HEAD into GET; 301 and 302
 * turn a POST into a GET; 307 and 308 keep method and body. `keepBody` false also means: drop the
 * Content-* headers.
 *
 * @example
 * ```ts
 * redirectMethod(303, 'PUT'); // { method: 'GET', keepBody: false }
 * ```
 */
export function redirectMethod(status: number, method: string): { method: string; keepBody: boolean } {
  if ((status === 303 && method !== 'HEAD' && method !== 'GET') || ((status === 301 || status === 302) && method === 'POST')) {
    return { method: 'GET', keepBody: false };
  }
  return { method, keepBody: true };
}

/** Drops Content-Type, Content-Length, Content-Encoding... when a redirect drops the body. */
export function withoutContentHeaders<V>(headers: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const name of Object.keys(headers)) if (!name.startsWith('content-')) out[name] = headers[name] as V;
  return out;
}

/**
 * Counts hops and spots loops: the same method and URL twice, or more than `max` redirects, is an
 * error naming the URL.
 *
 * @example
 * ```ts
 * const hops = new RedirectGuard(10, 'GET', url);
 * hops.next('GET', target); // throws REDIRECT_ERROR on a loop or the 11th hop
 * ```
 */
export class RedirectGuard {
  private readonly seen = new Set<string>();
  private count = 0;

  constructor(
    private readonly max: number,
    method: string,
    url: URL,
  ) {
    this.seen.add(`${method} ${url.href}`);
  }

  next(method: string, url: URL, from: URL): void {
    this.count++;
    if (this.count > this.max) {
      throw redirectError(from, `that is more than ${this.max} redirects (maxRedirects); raise maxRedirects (CLI: --max-redirects) if this is expected`, url);
    }
    const key = `${method} ${url.href}`;
    if (this.seen.has(key)) throw redirectError(from, `it leads back to ${method} ${url.href}: a redirect loop`, url);
    this.seen.add(key);
  }
}

function redirectError(from: URL, why: string, target?: URL): SessionjarError {
  return new SessionjarError('REDIRECT_ERROR', `Redirect from ${safeUrl(from)} refused: ${why}.`, {
    details: { url: safeUrl(from), ...(target ? { location: safeUrl(target) } : {}) },
  });
}

/** A URL as printable: no user:password. The query stays (it names the resource). */
function safeUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
