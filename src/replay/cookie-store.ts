import { Store, permuteDomain, pathMatch, type Callback, type Cookie, type ErrorCallback, type Nullable } from 'tough-cookie';

/** A domain's cookies: path → name → cookie. */
export type DomainCookies = Map<string, Map<string, Cookie>>;

/**
 * The session's cookies behind tough-cookie's documented `Store` extension point, so that its
 * CookieJar parses and places every Set-Cookie (domain and path rules, public suffixes, hostOnly,
 * creation times) while the index is ours to read: domain → path → name, in Maps. Synchronous, as
 * the jar's `*Sync` calls need. A cookie put already expired is a removal (tough-cookie's memory
 * store keeps it until the next lookup), so everything stored is live when it is put.
 *
 * @example
 * ```ts
 * const store = new IndexedCookieStore();
 * const jar = new CookieJar(store, { rejectPublicSuffixes: true });
 * jar.setCookieSync('sid=1; Path=/', 'https://example.com/');
 * store.domain('example.com')?.get('/')?.get('sid')?.value; // '1'
 * ```
 */
export class IndexedCookieStore extends Store {
  private readonly byDomain = new Map<string, DomainCookies>();
  /** Cookies stored; lets the jar skip the limit check while far under it. */
  size = 0;

  constructor() {
    super();
    this.synchronous = true;
  }

  /** The cookies stored on exactly `domain` (no parents). */
  domain(domain: string): DomainCookies | undefined {
    return this.byDomain.get(domain);
  }

  /** The domains that hold cookies. */
  domains(): IterableIterator<string> {
    return this.byDomain.keys();
  }

  /** The stored cookie with that place and name. */
  find(domain: string, path: string, name: string): Cookie | undefined {
    return this.byDomain.get(domain)?.get(path)?.get(name);
  }

  /** Every stored cookie, in the order tough-cookie's memory store gives (creation index). */
  all(): Cookie[] {
    const out: Cookie[] = [];
    for (const paths of this.byDomain.values()) for (const names of paths.values()) for (const c of names.values()) out.push(c);
    return out.sort((a, b) => (a.creationIndex ?? 0) - (b.creationIndex ?? 0));
  }

  /** Stores `cookie` in its place, replacing what was there; an expired one only removes. */
  put(cookie: Cookie): void {
    const { domain, path, key } = cookie;
    if (domain == null || path == null) return;
    if ((cookie.expiryTime() ?? Infinity) <= Date.now()) return this.remove(domain, path, key);
    let paths = this.byDomain.get(domain);
    if (paths === undefined) this.byDomain.set(domain, (paths = new Map()));
    let names = paths.get(path);
    if (names === undefined) paths.set(path, (names = new Map()));
    if (!names.has(key)) this.size++;
    names.set(key, cookie);
  }

  remove(domain: string, path: string, name: string): void {
    const paths = this.byDomain.get(domain);
    const names = paths?.get(path);
    if (!names?.delete(name)) return;
    this.size--;
    // Empty places go: the header cache's keys are the paths that hold cookies.
    if (names.size === 0) paths!.delete(path);
    if (paths!.size === 0) this.byDomain.delete(domain);
  }

  override findCookie(domain: Nullable<string>, path: Nullable<string>, key: Nullable<string>, callback?: Callback<Cookie | undefined>): Promise<Cookie | undefined> {
    return answer(domain == null || path == null || key == null ? undefined : this.find(domain, path, key), callback);
  }

  override findCookies(domain: Nullable<string>, path: Nullable<string>, allowSpecialUseDomain = false, callback?: Callback<Cookie[]>): Promise<Cookie[]> {
    const found: Cookie[] = [];
    if (domain) {
      for (const d of permuteDomain(domain, allowSpecialUseDomain) ?? [domain]) {
        for (const [p, names] of this.byDomain.get(d) ?? []) if (!path || pathMatch(path, p)) found.push(...names.values());
      }
    }
    return answer(found, callback);
  }

  override putCookie(cookie: Cookie, callback?: ErrorCallback): Promise<void> {
    this.put(cookie);
    return answer(undefined, callback);
  }

  override updateCookie(_old: Cookie, cookie: Cookie, callback?: ErrorCallback): Promise<void> {
    this.put(cookie);
    return answer(undefined, callback);
  }

  override removeCookie(domain: Nullable<string>, path: Nullable<string>, key: Nullable<string>, callback?: ErrorCallback): Promise<void> {
    if (domain != null && path != null && key != null) this.remove(domain, path, key);
    return answer(undefined, callback);
  }

  override removeCookies(domain: string, path: Nullable<string>, callback?: ErrorCallback): Promise<void> {
    for (const c of this.all()) if (c.domain === domain && (!path || c.path === path)) this.remove(domain, c.path ?? '', c.key);
    return answer(undefined, callback);
  }

  override removeAllCookies(callback?: ErrorCallback): Promise<void> {
    this.byDomain.clear();
    this.size = 0;
    return answer(undefined, callback);
  }

  override getAllCookies(callback?: Callback<Cookie[]>): Promise<Cookie[]> {
    return answer(this.all(), callback);
  }
}

/** The Store contract: the callback when one is given (called before returning), else a promise. */
function answer<T>(value: T, callback?: Callback<T> | ErrorCallback): Promise<T> {
  if (callback) (callback as (error: null, value: T) => void)(null, value);
  return Promise.resolve(value);
}
