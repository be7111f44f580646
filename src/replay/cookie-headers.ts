import { canonicalDomain, cookieCompare, domainMatch, pathMatch, type Cookie } from 'tough-cookie';
import type { IndexedCookieStore } from './cookie-store.js';
import type { CookieTarget } from './types.js';

/** Bounds the hosts, and each host's path combinations, kept: a jar walked by a crawler stays small. */
const MAX_CACHED = 1000;

/**
 * Cookie headers by host and by which cookie paths a request path matches, not by the path itself:
 * a host holds cookies on few paths, so `/api/item/1`, `/api/item/2`, … (all matching `/` alone)
 * share one entry and get the same string. A lookup costs a hostname read and one `pathMatch` per
 * distinct cookie path of the host, whatever the URL. The cookies themselves are chosen as
 * tough-cookie chooses them (domainMatch, pathMatch, Secure, cookieCompare order); jar.spec.ts
 * holds the two together over random Set-Cookie sequences.
 *
 * @example
 * ```ts
 * const headers = new CookieHeaders(store);
 * headers.header(new URL('https://example.com/api/item/1'), true); // 'sid=1; theme=dark'
 * ```
 */
export class CookieHeaders {
  /** Views for requests that may carry Secure cookies, and for those that may not. */
  private readonly secure = new Map<string, HostView>();
  private readonly plain = new Map<string, HostView>();
  /** Bumped when only cookie values changed: cached headers keep their cookies and rejoin them. */
  private values = 0;

  constructor(private readonly store: IndexedCookieStore) {}

  /** The Cookie header for `url` ('' when none); `secure`: Secure cookies may go. */
  header(url: CookieTarget, secure: boolean): string {
    const view = this.view(url.hostname, secure);
    const path = requestPath(url);
    const { paths } = view;
    let key: number | string = 0;
    if (paths.length <= 30) {
      for (let i = 0; i < paths.length; i++) if (pathMatch(path, paths[i] as string)) key |= 1 << i;
    } else {
      key = paths.map((p) => (pathMatch(path, p) ? '1' : '0')).join('');
    }
    let cached = view.headers.get(key);
    if (cached === undefined) {
      const cookies = view.cookies.filter((c) => pathMatch(path, c.path ?? '/'));
      cached = { cookies, header: joined(cookies), values: this.values };
      if (view.headers.size >= MAX_CACHED) view.headers.clear();
      view.headers.set(key, cached);
    } else if (cached.values !== this.values) {
      cached.header = joined(cached.cookies);
      cached.values = this.values;
    }
    return cached.header;
  }

  /** The cookies a request to `url` sends, in the order they are sent. */
  cookies(url: CookieTarget, secure: boolean): Cookie[] {
    const path = requestPath(url);
    return this.view(url.hostname, secure).cookies.filter((c) => pathMatch(path, c.path ?? '/'));
  }

  /** After a value changed in place: the same cookies, a new join. */
  valuesChanged(): void {
    this.values++;
  }

  /** After cookies came, went or expired. */
  clear(): void {
    this.secure.clear();
    this.plain.clear();
  }

  private view(hostname: string, secure: boolean): HostView {
    const views = secure ? this.secure : this.plain;
    let view = views.get(hostname);
    if (view === undefined) {
      view = this.build(hostname, secure);
      if (views.size >= MAX_CACHED) views.clear();
      views.set(hostname, view);
    }
    return view;
  }

  /**
   * The live cookies that may go to `hostname`, sorted as they are sent, and their distinct paths.
   * A cookie is stored under its domain, which must be the host or a parent of it to match, so
   * only those few domains are looked at, whatever else the jar holds.
   */
  private build(hostname: string, secure: boolean): HostView {
    const host = canonicalDomain(hostname) ?? '';
    const now = Date.now();
    const cookies: Cookie[] = [];
    const paths = new Set<string>();
    for (let domain = host; ; ) {
      for (const [path, names] of this.store.domain(domain) ?? []) {
        for (const c of names.values()) {
          if (c.hostOnly ? c.domain !== host : domainMatch(host, c.domain, false) !== true) continue;
          if ((c.secure && !secure) || (c.expiryTime() ?? Infinity) <= now) continue;
          cookies.push(c);
          paths.add(path);
        }
      }
      const dot = domain.indexOf('.');
      if (dot < 0) break;
      domain = domain.slice(dot + 1);
    }
    return { cookies: cookies.sort(cookieCompare), paths: [...paths], headers: new Map() };
  }
}

/** One host's cookies, their distinct paths and the headers cached by which of the paths match. */
interface HostView {
  cookies: Cookie[];
  paths: string[];
  headers: Map<number | string, CachedHeader>;
}

/** A Cookie header's value: its cookies, in order, and when their values were last joined. */
interface CachedHeader {
  cookies: Cookie[];
  header: string;
  values: number;
}

/** The path cookies are matched against: decoded, as tough-cookie does (an undecodable one as it is). */
export function requestPath(url: CookieTarget): string {
  const path = url.pathname;
  if (!path.includes('%')) return path;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function joined(cookies: Cookie[]): string {
  let header = '';
  for (const c of cookies) header = header === '' ? c.cookieString() : `${header}; ${c.cookieString()}`;
  return header;
}

/** https, or plain http to loopback (127.0.0.0/8, localhost, ::1): where Secure cookies may go. */
export function isTrustworthy(url: CookieTarget): boolean {
  if (url.protocol === 'https:') return true;
  const host = url.hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
