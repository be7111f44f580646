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
 * Counts hops and spots loops. A loop is the same method and URL sent with the same Cookie header
 * again: a login chain that comes back to the page it started on with new cookies (OIDC: /profile
 * → IdP → /callback → /profile) is progress, as in curl and browsers, which bound it by the hop
 * count alone. More than `max` redirects is an error too; both name the URL.
 *
 * @example
 * ```ts
 * const hops = new RedirectGuard(10, 'GET', url, headers.cookie);
 * hops.hop(target, url); // throws REDIRECT_ERROR on the 11th hop
 * hops.visit('GET', target, nextHeaders.cookie, url); // throws REDIRECT_ERROR on a loop
 * ```
 */
export class RedirectGuard {
  private readonly seen = new Set<string>();
  private count = 0;

  constructor(
    private readonly max: number,
    method: string,
    url: URL,
    cookie: string | undefined,
  ) {
    this.seen.add(visitKey(method, url, cookie));
  }

  /** One more redirect, from `from` to `to`. */
  hop(to: URL, from: URL): void {
    this.count++;
    if (this.count > this.max) {
      throw redirectError(from, `that is more than ${this.max} redirects (maxRedirects); raise maxRedirects (CLI: --max-redirects) if this is expected`, to);
    }
  }

  /** The request a redirect from `from` leads to, with the Cookie header it is about to send. */
  visit(method: string, url: URL, cookie: string | undefined, from: URL): void {
    const key = visitKey(method, url, cookie);
    if (this.seen.has(key)) {
      throw redirectError(from, `it leads back to ${method} ${safeUrl(url)} with the same cookies: a redirect loop`, url);
    }
    this.seen.add(key);
  }
}

function visitKey(method: string, url: URL, cookie: string | undefined): string {
  return `${method} ${url.href}\u0000${cookie ?? ''}`;
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
