import { Cookie as ToughCookie, CookieJar, MemoryCookieStore, canonicalDomain, cookieCompare, domainMatch, pathMatch } from 'tough-cookie';
import type { Cookie } from '../session/schema/index.js';
import { cookieKey, type CookieChanges } from '../session/merge.js';
import { MAX_COOKIE_BYTES, evictions, placeOf, refusal } from './cookie-rules.js';
import { fromToughCookie, toToughCookie } from './jar-convert.js';
import { splitSetCookie, type SetCookieLine } from './set-cookie-line.js';

/** Bounds the Cookie-header and Set-Cookie caches: a crawl over many paths must not grow them without end. */
const MAX_CACHED = 1000;

/**
 * Reading and setting the cookies of an open session.
 *
 * @example
 * ```ts
 * session.cookies.set('theme=dark; Path=/', 'https://example.com/');
 * console.log(session.cookies.header('https://example.com/api'));
 * ```
 */
export interface CookieAccess {
  /** Every cookie in the jar, as the session file stores them. */
  list(): Cookie[];
  /** The cookies a request to `url` would send. */
  get(url: string): Cookie[];
  /** Stores a cookie as if `url` had answered with this Set-Cookie header. */
  set(setCookieHeader: string, url: string): void;
  /** The Cookie header a request to `url` would send ('' when none). */
  header(url: string): string;
}

/** Told the name of a cookie a response set and the jar refused, and why. */
export type RefusedCookie = (name: string, reason: string) => void;

/**
 * The session's cookies in a tough-cookie jar (public suffixes and foreign domains rejected, Secure
 * cookies only over https or to loopback, the browser rules and limits of cookie-rules.ts), with
 * what changed since the last write-back and a cache of computed Cookie headers: an unchanged jar
 * costs one Map lookup per request instead of a jar walk, which is most of what a cookie-aware
 * client spends beyond raw undici.
 *
 * @example
 * ```ts
 * const jar = new SessionCookieJar(session.cookies);
 * jar.storeSetCookies(response.headers['set-cookie'], url);
 * const changes = jar.takeChanges();
 * ```
 */
export class SessionCookieJar implements CookieAccess {
  private store = new MemoryCookieStore();
  private jar = newJar(this.store);
  private readonly headers = new Map<string, CachedHeader>();
  /** Bumped when only cookie values changed: cached headers keep their cookies and rejoin them. */
  private values = 0;
  /**
   * The cookies Set-Cookie lines stored, by cookie name: the same line (same URL, name and
   * attributes) with another value, as a server rotating its session cookie sends, changes that
   * cookie's value in place.
   */
  private readonly lastSet = new Map<string, StoredLine[]>();
  private lastSetSize = 0;
  /** Earliest expiry (ms) of a cookie in the jar: when it passes, cached headers may be stale. */
  private nextExpiry = Infinity;
  private readonly setAt = new Map<string, number>();
  /** Changed cookies by key; converted to the file's form only when written (most are replaced first). */
  private readonly changed = new Map<string, { cookie?: ToughCookie | Cookie; at: number }>();
  /** Bumped on every change; lets callers cache what they derive from cookies. */
  version = 0;
  /** The version at which a cookie of that name last changed (see {@link changedSince}). */
  private readonly nameVersions = new Map<string, number>();
  /** The version of the last change to every cookie at once (a load, an expiry). */
  private allChanged = 0;

  constructor(cookies: Cookie[] = []) {
    this.load(cookies);
  }

  /** Replaces the jar's content (a reload after refresh); pending changes are kept. */
  load(cookies: Cookie[]): void {
    this.store = new MemoryCookieStore();
    this.jar = newJar(this.store);
    this.setAt.clear();
    this.nameVersions.clear();
    this.lastSet.clear();
    this.lastSetSize = 0;
    const now = Date.now();
    for (const cookie of cookies) {
      if (cookie.expires !== null && cookie.expires * 1000 <= now) continue;
      // putCookie, not setCookie: a stored cookie is trusted as recorded (its domain was checked when set).
      void this.jar.store.putCookie(toToughCookie(cookie));
      if (cookie.setAt !== undefined) this.setAt.set(cookieKey(cookie), cookie.setAt);
    }
    this.invalidate();
  }

  /** Forgets every cookie; the removals are written back like any change. */
  clear(): void {
    const at = Date.now();
    for (const cookie of this.list()) this.changed.set(cookieKey(cookie), { at });
    this.load([]);
  }

  list(): Cookie[] {
    const now = Date.now();
    return this.all()
      .filter((c) => !((c.expiryTime() ?? Infinity) <= now))
      .map((c) => this.fromTough(c));
  }

  get(url: string): Cookie[] {
    return this.jar.getCookiesSync(url).map((c) => this.fromTough(c));
  }

  set(setCookieHeader: string, url: string): void {
    this.storeSetCookies(setCookieHeader, url);
  }

  header(url: string): string {
    return this.cookieHeader(new URL(url));
  }

  /**
   * The Cookie header for `url`. `secureCookies: false` leaves Secure cookies out (an https → http
   * redirect downgrade, even to loopback).
   */
  cookieHeader(url: URL, secureCookies = true, cacheKey = url.origin + url.pathname): string {
    this.expireDue();
    const key = secureCookies ? cacheKey : `${cacheKey}\u0000insecure`;
    let cached = this.headers.get(key);
    if (cached === undefined) {
      const cookies = this.matching(url, secureCookies);
      cached = { cookies, header: joined(cookies), values: this.values };
      if (this.headers.size >= MAX_CACHED) this.headers.clear();
      this.headers.set(key, cached);
    } else if (cached.values !== this.values) {
      cached.header = joined(cached.cookies);
      cached.values = this.values;
    }
    return cached.header;
  }

  /** Forgets what the passing of a cookie's expiry made stale. */
  expireDue(): void {
    if (Date.now() >= this.nextExpiry) this.invalidate();
  }

  /** Whether a cookie named `name` may have changed after `version` (a read of this.version). */
  changedSince(name: string, version: number): boolean {
    return this.allChanged > version || (this.nameVersions.get(name) ?? 0) > version;
  }

  /**
   * The cookies a request to `url` sends, in RFC 6265 order: tough-cookie's own matching rules
   * (domainMatch, pathMatch, cookieCompare), applied to the store's index directly, because its
   * getCookiesSync costs over 20 µs a call and this runs after every cookie change. Only the
   * host's own domain and its parents are looked at, so the cost does not grow with the cookies
   * kept for other sites.
   */
  private matching(url: URL, secureCookies: boolean): ToughCookie[] {
    const host = canonicalDomain(url.hostname) ?? '';
    let path = url.pathname;
    try {
      path = decodeURI(path);
    } catch {
      // As tough-cookie: an undecodable path is matched as it is.
    }
    const secure = secureCookies && isTrustworthy(url);
    const now = Date.now();
    const found: ToughCookie[] = [];
    const idx = this.store.idx;
    // A cookie is indexed under its domain, which must be the host or a parent of it to match.
    for (let domain = host; ; ) {
      const byPath = idx[domain];
      if (byPath !== undefined) {
        for (const cookiePath in byPath) {
          if (!pathMatch(path, cookiePath)) continue;
          const byName = byPath[cookiePath];
          for (const name in byName) {
            const c = byName[name];
            if (
              c !== undefined &&
              (c.hostOnly ? c.domain === host : domainMatch(host, c.domain, false) === true) &&
              (!c.secure || secure) &&
              !((c.expiryTime() ?? Infinity) <= now)
            ) {
              found.push(c);
            }
          }
        }
      }
      const dot = domain.indexOf('.');
      if (dot < 0) break;
      domain = domain.slice(dot + 1);
    }
    return found.sort(cookieCompare);
  }

  /**
   * Stores the Set-Cookie header(s) of a response from `url`; invalid, foreign, oversized or
   * unsafe cookies are ignored (`onRefused` hears of those cookie-rules.ts refuses), and the
   * oldest cookies go when a site or the jar is over its limit. `scope` is the URL's origin and
   * path, when the caller has that string at hand.
   */
  storeSetCookies(values: string | string[] | undefined, url: string | URL, onRefused?: RefusedCookie, scope?: string): void {
    if (values === undefined) return;
    const target = typeof url === 'string' ? new URL(url) : url;
    const secureOrigin = isTrustworthy(target);
    let grew = false;
    for (const value of typeof values === 'string' ? [values] : values) {
      // Only where a Set-Cookie cannot be refused for the cookies already in the jar (see refusal).
      const line = secureOrigin ? splitSetCookie(value) : undefined;
      if (line !== undefined) scope ??= target.origin + target.pathname;
      if (line !== undefined && this.replaceValue(line, scope as string)) continue;
      const cookie = ToughCookie.parse(value, { loose: true });
      if (!cookie) continue;
      const why = refusal(cookie, target, secureOrigin, () => this.all());
      if (why !== undefined) {
        onRefused?.(cookie.key, why);
        continue;
      }
      const { domain, path } = placeOf(cookie, target);
      const isNew = this.store.idx[domain]?.[path]?.[cookie.key] === undefined;
      const stored = this.jar.setCookieSync(cookie, target, { ignoreError: true });
      if (!stored) continue;
      const live = this.recordChange(stored);
      if (isNew) grew = true;
      if (line !== undefined && live && stored.key === line.name) this.rememberLine(line, scope as string, stored);
    }
    if (grew) this.evictOverLimit();
  }

  /**
   * The value of the cookie named `name` (optionally on `domain`/`path`), for header rules: the
   * oldest one when several match. Looks the name up in the index rather than walking every cookie.
   */
  value(name: string, domain?: string, path?: string): string | undefined {
    const host = domain?.replace(/^\./, '').toLowerCase();
    const now = Date.now();
    const idx = this.store.idx;
    let best: ToughCookie | undefined;
    for (const d of host === undefined ? Object.keys(idx) : [host]) {
      const byPath = idx[d];
      if (byPath === undefined) continue;
      for (const p of path === undefined ? Object.keys(byPath) : [path]) {
        const c = byPath[p]?.[name];
        if (c === undefined || (c.expiryTime() ?? Infinity) <= now) continue;
        if (best === undefined || (c.creationIndex ?? 0) < (best.creationIndex ?? 0)) best = c;
      }
    }
    return best?.value;
  }

  /** Changes since the last call, for write-back; `requeue` them if the write fails. */
  takeChanges(): CookieChanges | undefined {
    if (this.changed.size === 0) return undefined;
    const changes: CookieChanges = { set: [], removed: [] };
    for (const [key, { cookie, at }] of this.changed) {
      if (cookie) changes.set.push(isSessionCookie(cookie) ? cookie : this.fromTough(cookie));
      else changes.removed.push({ key, at });
    }
    this.changed.clear();
    return changes;
  }

  /** Puts back changes a failed write did not save, unless a newer change replaced them. */
  requeue(changes: CookieChanges): void {
    for (const cookie of changes.set) {
      const key = cookieKey(cookie);
      if (!this.changed.has(key)) this.changed.set(key, { cookie, at: cookie.setAt ?? Date.now() });
    }
    for (const { key, at } of changes.removed) if (!this.changed.has(key)) this.changed.set(key, { at });
  }

  get hasChanges(): boolean {
    return this.changed.size > 0;
  }

  /**
   * The same Set-Cookie line as one already stored, but for its value: the cookie it stored, still
   * in the jar, gets the new value as tough-cookie would set it (same place, creation and attributes;
   * Max-Age counted from now). False when that takes the full path: another cookie took its place,
   * the line's Expires has passed, or the value is too long (a refusal to report).
   */
  private replaceValue({ name, value, attributes }: SetCookieLine, scope: string): boolean {
    const stored = this.lastSet.get(name)?.find((s) => s.scope === scope && s.attributes === attributes);
    if (stored === undefined) return false;
    const { cookie } = stored;
    if (this.store.idx[cookie.domain ?? '']?.[cookie.path ?? '']?.[name] !== cookie) return false;
    // A UTF-16 unit is at most 3 bytes of UTF-8: most values need no count.
    if ((name.length + value.length) * 3 > MAX_COOKIE_BYTES && Buffer.byteLength(name) + Buffer.byteLength(value) > MAX_COOKIE_BYTES) return false;
    const now = Date.now();
    if (cookie.maxAge == null && cookie.expires instanceof Date && cookie.expires.getTime() <= now) return false;
    cookie.value = value;
    cookie.lastAccessed = new Date(now);
    this.recordChange(cookie, true, stored.key);
    return true;
  }

  private rememberLine({ name, attributes }: SetCookieLine, scope: string, cookie: ToughCookie): void {
    if (this.lastSetSize >= MAX_CACHED) {
      this.lastSet.clear();
      this.lastSetSize = 0;
    }
    const lines = this.lastSet.get(name) ?? [];
    const line = { scope, attributes, cookie, key: keyOf(cookie) };
    const at = lines.findIndex((s) => s.scope === scope && s.attributes === attributes);
    if (at >= 0) lines[at] = line;
    else {
      lines.push(line);
      this.lastSetSize++;
    }
    this.lastSet.set(name, lines);
  }

  /**
   * Notes a stored cookie for write-back and invalidates what derives from it; true unless it was
   * stored expired (a removal). `valueOnly`: the cookie stayed in place and only its value changed.
   */
  private recordChange(stored: ToughCookie, valueOnly = false, key = keyOf(stored)): boolean {
    const at = Date.now();
    this.setAt.set(key, at);
    const expiry = stored.expiryTime();
    // tough-cookie keeps an already-expired cookie until the next lookup; for us it is a removal.
    const live = expiry === undefined || expiry > at;
    this.changed.set(key, live ? { cookie: stored, at } : { at });
    this.version++;
    this.nameVersions.set(stored.key, this.version);
    if (valueOnly) this.values++;
    else this.headers.clear();
    if (live && expiry !== undefined && expiry < this.nextExpiry) this.nextExpiry = expiry;
    return live;
  }

  /** Drops what is over the per-site and total limits; each drop is written back as a removal. */
  private evictOverLimit(): void {
    const at = Date.now();
    const dropped = evictions(this.all(), (c) => this.setAt.get(keyOf(c)) ?? (c.creation instanceof Date ? c.creation.getTime() : 0), at);
    if (dropped.length === 0) return;
    for (const c of dropped) {
      const key = keyOf(c);
      this.store.removeCookie(c.domain ?? '', c.path ?? '/', c.key, () => undefined);
      this.setAt.delete(key);
      this.changed.set(key, { at });
    }
    this.version++;
    this.headers.clear();
  }

  /** Forgets every cached header and finds the next expiry again. */
  private invalidate(): void {
    this.version++;
    this.allChanged = this.version;
    this.headers.clear();
    const now = Date.now();
    let next = Infinity;
    for (const cookie of this.all()) {
      const expiry = cookie.expiryTime();
      if (expiry !== undefined && expiry > now && expiry < next) next = expiry;
    }
    this.nextExpiry = next;
  }

  private all(): ToughCookie[] {
    let cookies: ToughCookie[] = [];
    // MemoryCookieStore is synchronous: the callback runs before this returns.
    this.jar.store.getAllCookies((error, result) => {
      if (!error && result) cookies = result;
    });
    return cookies;
  }

  /** As the file stores it; `setAt` is when this value was set (tough-cookie keeps the first creation). */
  private fromTough(c: ToughCookie): Cookie {
    const cookie = fromToughCookie(c) as Cookie;
    const setAt = this.setAt.get(cookieKey(cookie));
    const { setAt: _creation, ...rest } = cookie;
    return setAt === undefined ? rest : { ...rest, setAt };
  }
}

/** A Set-Cookie line's URL (origin and path) and attributes, the cookie it stored and that cookie's key. */
interface StoredLine {
  scope: string;
  attributes: string;
  cookie: ToughCookie;
  key: string;
}

/** A Cookie header's value: its cookies, in order, and when their values were last joined. */
interface CachedHeader {
  cookies: ToughCookie[];
  header: string;
  values: number;
}

function joined(cookies: ToughCookie[]): string {
  return cookies.map((c) => c.cookieString()).join('; ');
}

function newJar(store: MemoryCookieStore): CookieJar {
  return new CookieJar(store, { rejectPublicSuffixes: true, allowSecureOnLocal: true, looseMode: true });
}

function keyOf(c: ToughCookie): string {
  return cookieKey({ name: c.key, domain: c.domain ?? '', path: c.path ?? '/' });
}

function isSessionCookie(cookie: ToughCookie | Cookie): cookie is Cookie {
  return 'name' in cookie;
}

/** https, or plain http to loopback (127.0.0.0/8, localhost, ::1): where Secure cookies may go. */
function isTrustworthy(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  const host = url.hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
