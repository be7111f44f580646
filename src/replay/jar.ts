import { Cookie as ToughCookie, CookieJar } from 'tough-cookie';
import type { Cookie } from '../session/schema/index.js';
import { cookieKey, type CookieChanges } from '../session/merge.js';
import { COOKIE_VALUE } from '../session/schema/string-rules.js';
import { MAX_COOKIES_PER_SITE, MAX_COOKIE_BYTES, evictions, refusal } from './cookie-rules.js';
import { CookieHeaders, isTrustworthy } from './cookie-headers.js';
import { IndexedCookieStore } from './cookie-store.js';
import { fromToughCookie, toToughCookie } from './jar-convert.js';
import { splitSetCookie, type SetCookieLine } from './set-cookie-line.js';
import { scopeOf, SetCookieLines } from './set-cookie-lines.js';
import type { CookieTarget, Hop } from './types.js';

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
 * The session's cookies: tough-cookie parses and places each Set-Cookie (public suffixes and foreign
 * domains rejected) into a store of our own (cookie-store.ts) whose index the Cookie headers come
 * from (cookie-headers.ts: Secure cookies only over https or to loopback, cached by host and by the
 * cookie paths a URL matches, so any URL costs the same). The browser rules and limits of
 * cookie-rules.ts and the file's own character rules apply on the way in, and what changed since
 * the last write-back is kept.
 *
 * @example
 * ```ts
 * const jar = new SessionCookieJar(session.cookies);
 * jar.storeSetCookies(response.headers['set-cookie'], url);
 * const changes = jar.takeChanges();
 * ```
 */
export class SessionCookieJar implements CookieAccess {
  private store = new IndexedCookieStore();
  private jar = newJar(this.store);
  private headers = new CookieHeaders(this.store);
  /** The cookies Set-Cookie lines stored: the same line with a new value changes its cookie in place. */
  private readonly lines = new SetCookieLines();
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
    this.store = new IndexedCookieStore();
    this.jar = newJar(this.store);
    this.headers = new CookieHeaders(this.store);
    this.setAt.clear();
    this.nameVersions.clear();
    this.lines.clear();
    for (const cookie of cookies) {
      // Put as recorded, not set: its domain was checked when it was set (an expired one is skipped).
      this.store.put(toToughCookie(cookie));
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
    return this.store
      .all()
      .filter((c) => !((c.expiryTime() ?? Infinity) <= now))
      .map((c) => this.fromTough(c));
  }

  get(url: string): Cookie[] {
    const target = new URL(url);
    this.expireDue();
    return this.headers.cookies(target, isTrustworthy(target)).map((c) => this.fromTough(c));
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
  cookieHeader(url: CookieTarget, secureCookies = true): string {
    this.expireDue();
    return this.headers.header(url, secureCookies && isTrustworthy(url));
  }

  /** The same, for a caller that has just called expireDue() and knows whether Secure cookies may go. */
  checkedCookieHeader(url: CookieTarget, secure: boolean): string {
    return this.headers.header(url, secure);
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
   * Stores the Set-Cookie header(s) of a response from `url`; invalid, foreign, oversized or
   * unsafe cookies, and those the session file could not hold, are ignored (`onRefused` hears of
   * those cookie-rules.ts refuses), and the oldest cookies go when a site or the jar is over its limit.
   */
  storeSetCookies(values: string | string[] | undefined, url: string | URL | Hop, onRefused?: RefusedCookie): void {
    if (values === undefined) return;
    // A hop of a crawl has no URL object yet: the rotation fast path reads its parts only, and
    // the URL is parsed when a line takes the full path.
    const target: CookieTarget = typeof url === 'string' ? new URL(url) : url;
    const full = (): URL => (target instanceof URL ? target : (target as Hop).url);
    const secureOrigin = isTrustworthy(target);
    const size = this.store.size;
    let scope: string | undefined;
    for (const value of typeof values === 'string' ? [values] : values) {
      // Only where a Set-Cookie cannot be refused for the cookies already in the jar (see refusal).
      const line = secureOrigin ? splitSetCookie(value) : undefined;
      if (line !== undefined) {
        scope ??= scopeOf(target);
        if (this.replaceValue(line, scope)) continue;
      }
      const cookie = ToughCookie.parse(value, { loose: true });
      if (!cookie) continue;
      const why = refusal(cookie, full(), secureOrigin, () => this.store.all());
      if (why !== undefined) {
        onRefused?.(cookie.key, why);
        continue;
      }
      const stored = this.jar.setCookieSync(cookie, full(), { ignoreError: true });
      if (!stored) continue;
      const live = this.recordChange(stored);
      if (line !== undefined && live && stored.key === line.name) this.lines.remember(line, scope as string, stored, keyOf(stored));
    }
    if (this.store.size > size) this.evictOverLimit();
  }

  /**
   * The value of the cookie named `name` (optionally on `domain`/`path`), for header rules: the
   * oldest one when several match. Looks the name up in the index rather than walking every cookie.
   */
  value(name: string, domain?: string, path?: string): string | undefined {
    const host = domain?.replace(/^\./, '').toLowerCase();
    const now = Date.now();
    let best: ToughCookie | undefined;
    for (const d of host === undefined ? this.store.domains() : [host]) {
      const byPath = this.store.domain(d);
      if (byPath === undefined) continue;
      for (const p of path === undefined ? byPath.keys() : [path]) {
        const c = byPath.get(p)?.get(name);
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
   * the line's Expires has passed, or the value is one to refuse (too long, or a character the
   * session file refuses).
   */
  private replaceValue(line: SetCookieLine, scope: string): boolean {
    const stored = this.lines.find(line, scope);
    if (stored === undefined) return false;
    const { name, value } = line;
    const { cookie } = stored;
    if (this.store.find(cookie.domain ?? '', cookie.path ?? '', name) !== cookie) return false;
    // A UTF-16 unit is at most 3 bytes of UTF-8: most values need no count.
    if ((name.length + value.length) * 3 > MAX_COOKIE_BYTES && Buffer.byteLength(name) + Buffer.byteLength(value) > MAX_COOKIE_BYTES) return false;
    if (!COOKIE_VALUE.test(value)) return false;
    const now = Date.now();
    if (cookie.maxAge == null && cookie.expires instanceof Date && cookie.expires.getTime() <= now) return false;
    cookie.value = value;
    cookie.lastAccessed = new Date(now);
    this.recordChange(cookie, true, stored.key);
    return true;
  }

  /**
   * Notes a stored cookie for write-back and invalidates what derives from it; true unless it was
   * stored expired (a removal: the store did not keep it). `valueOnly`: the cookie stayed in place
   * and only its value changed.
   */
  private recordChange(stored: ToughCookie, valueOnly = false, key = keyOf(stored)): boolean {
    const at = Date.now();
    this.setAt.set(key, at);
    const expiry = stored.expiryTime();
    const live = expiry === undefined || expiry > at;
    this.changed.set(key, live ? { cookie: stored, at } : { at });
    this.version++;
    this.nameVersions.set(stored.key, this.version);
    if (valueOnly) this.headers.valuesChanged();
    else this.headers.clear();
    if (live && expiry !== undefined && expiry < this.nextExpiry) this.nextExpiry = expiry;
    return live;
  }

  /** Drops what is over the per-site and total limits; each drop is written back as a removal. */
  private evictOverLimit(): void {
    if (this.store.size <= MAX_COOKIES_PER_SITE) return;
    const at = Date.now();
    const dropped = evictions(this.store.all(), (c) => this.setAt.get(keyOf(c)) ?? (c.creation instanceof Date ? c.creation.getTime() : 0), at);
    if (dropped.length === 0) return;
    for (const c of dropped) {
      const key = keyOf(c);
      this.store.remove(c.domain ?? '', c.path ?? '/', c.key);
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
    for (const cookie of this.store.all()) {
      const expiry = cookie.expiryTime();
      if (expiry !== undefined && expiry > now && expiry < next) next = expiry;
    }
    this.nextExpiry = next;
  }

  /** As the file stores it; `setAt` is when this value was set (tough-cookie keeps the first creation). */
  private fromTough(c: ToughCookie): Cookie {
    const cookie = fromToughCookie(c) as Cookie;
    const setAt = this.setAt.get(cookieKey(cookie));
    const { setAt: _creation, ...rest } = cookie;
    return setAt === undefined ? rest : { ...rest, setAt };
  }
}

function newJar(store: IndexedCookieStore): CookieJar {
  return new CookieJar(store, { rejectPublicSuffixes: true, allowSecureOnLocal: true, looseMode: true });
}

function keyOf(c: ToughCookie): string {
  return cookieKey({ name: c.key, domain: c.domain ?? '', path: c.path ?? '/' });
}

function isSessionCookie(cookie: ToughCookie | Cookie): cookie is Cookie {
  return 'name' in cookie;
}
