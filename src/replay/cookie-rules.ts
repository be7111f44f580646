import { canonicalDomain, defaultPath, domainMatch, getPublicSuffix, pathMatch, type Cookie as ToughCookie } from 'tough-cookie';
import { COOKIE_DOMAIN, COOKIE_NAME, COOKIE_PATH, COOKIE_VALUE } from '../session/schema/string-rules.js';

/**
 * Browser rules a server's Set-Cookie must pass before it reaches the session (RFC 6265bis §5.7,
 * Chromium's cookie store), where tough-cookie 6 has none or a weaker one. Without them a server
 * could grow the session file without end through write-back (a cookie bomb), or a plain-http
 * answer could replace a Secure login cookie.
 */

/** Name plus value, in bytes (RFC 6265bis §5.7; Chromium and Firefox refuse larger cookies). */
export const MAX_COOKIE_BYTES = 4096;
/** Cookies per site (registrable domain), as Chromium. */
export const MAX_COOKIES_PER_SITE = 180;
/** Cookies in the whole jar. */
export const MAX_COOKIES = 3000;

/** Where tough-cookie will store a cookie set by `url`: the Domain attribute or the host; the Path or the default path. */
function placeOf(cookie: ToughCookie, url: URL): { domain: string; path: string } {
  const domain = canonicalDomain(cookie.domain ?? url.hostname) ?? '';
  const path = cookie.path?.startsWith('/') ? cookie.path : defaultPath(url.pathname);
  return { domain, path };
}

/**
 * Why a cookie from a response must be ignored, or undefined when it may be stored. `secureOrigin`:
 * https, or loopback http (as Chromium and tough-cookie count it). `existing` lists the jar's
 * cookies; it is only called for a plain-http answer.
 */
export function refusal(cookie: ToughCookie, url: URL, secureOrigin: boolean, existing: () => readonly ToughCookie[]): string | undefined {
  const name = cookie.key;
  const unstorable = unstorableBy(cookie, url);
  if (unstorable !== undefined) return unstorable;
  if (Buffer.byteLength(name) + Buffer.byteLength(cookie.value) > MAX_COOKIE_BYTES) return `name and value exceed ${MAX_COOKIE_BYTES} bytes`;
  // tough-cookie checks the prefixes in this exact case only; RFC 6265bis matches them in any case.
  const lower = name.toLowerCase();
  if (lower.startsWith('__secure-') && !cookie.secure) return 'a __Secure- cookie without Secure';
  if (lower.startsWith('__host-') && !(cookie.secure && !cookie.domain && cookie.path === '/')) {
    return 'a __Host- cookie without Secure, with a Domain, or with a Path other than /';
  }
  // A nameless cookie is sent as its bare value, which would reach the server as a prefixed name
  // (RFC 6265bis §5.7). Leading `=` and spaces too: `==__Host-sid=x` is sent as `=__Host-sid=x`,
  // which a lenient server's parser reads as `__Host-sid`.
  if (name === '' && /^[\s=]*__(secure|host)-/i.test(cookie.value)) return 'a nameless cookie whose value looks like a __Secure-/__Host- name';
  if (!secureOrigin && !cookie.secure) {
    const place = placeOf(cookie, url);
    const shadowed = existing().some(
      (c) =>
        c.secure &&
        c.key === name &&
        c.domain != null &&
        (domainMatch(c.domain, place.domain, false) === true || domainMatch(place.domain, c.domain, false) === true) &&
        pathMatch(place.path, c.path ?? '/'),
    );
    if (shadowed) return 'a plain-http answer may not replace or shadow a Secure cookie of the same name';
  }
  return undefined;
}

/**
 * Why the session file could not hold the cookie (string-rules.ts: a control character such as DEL
 * in its name or value, say), or undefined. tough-cookie's loose parser lets DEL and other bytes
 * through; kept, such a cookie made every later write-back of the session fail.
 */
function unstorableBy(cookie: ToughCookie, url: URL): string | undefined {
  if (!COOKIE_NAME.test(cookie.key)) return 'its name holds a control character, which the session file refuses';
  if (!COOKIE_VALUE.test(cookie.value)) return 'its value holds a control character, which the session file refuses';
  const { domain, path } = placeOf(cookie, url);
  if (!COOKIE_PATH.test(path)) return 'its path holds a control character or ";", which the session file refuses';
  if (!COOKIE_DOMAIN.test(domain)) return 'its domain is not one the session file can hold';
  return undefined;
}

/**
 * The cookies to drop so that no site holds more than {@link MAX_COOKIES_PER_SITE} and the jar no
 * more than {@link MAX_COOKIES}: expired ones first, then (as Chromium) non-Secure before Secure,
 * then the least recently set. `setAt` is when a cookie's current value was set (ms).
 */
export function evictions(cookies: readonly ToughCookie[], setAt: (c: ToughCookie) => number, now = Date.now()): ToughCookie[] {
  if (cookies.length <= MAX_COOKIES_PER_SITE) return [];
  const expired = (c: ToughCookie) => ((c.expiryTime() ?? Infinity) <= now ? 0 : 1);
  const order = [...cookies].sort(
    (a, b) => expired(a) - expired(b) || Number(a.secure) - Number(b.secure) || setAt(a) - setAt(b) || (a.creationIndex ?? 0) - (b.creationIndex ?? 0),
  );
  const sites = new Map<ToughCookie, string>();
  const perSite = new Map<string, number>();
  for (const c of order) {
    const site = siteOf(c.domain ?? '');
    sites.set(c, site);
    perSite.set(site, (perSite.get(site) ?? 0) + 1);
  }
  const dropped = new Set<ToughCookie>();
  for (const c of order) {
    const site = sites.get(c) as string;
    const n = perSite.get(site) as number;
    if (n <= MAX_COOKIES_PER_SITE) continue;
    dropped.add(c);
    perSite.set(site, n - 1);
  }
  let total = cookies.length - dropped.size;
  for (const c of order) {
    if (total <= MAX_COOKIES) break;
    if (dropped.has(c)) continue;
    dropped.add(c);
    total--;
  }
  return [...dropped];
}

/** The registrable domain (eTLD+1) a cookie domain belongs to; an IP address or a bare name is its own site. */
function siteOf(domain: string): string {
  return getPublicSuffix(domain, { allowSpecialUseDomain: true, ignoreError: true }) ?? domain;
}
