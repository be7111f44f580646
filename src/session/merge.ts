import type { Cookie } from './schema/index.js';

/** A cookie's identity, as RFC 6265 §5.3 step 11 defines it. */
export function cookieKey(c: Pick<Cookie, 'name' | 'domain' | 'path'>): string {
  return `${c.name}\u0000${c.domain.toLowerCase()}\u0000${c.path}`;
}

export interface CookieChanges {
  /** Cookies set or replaced. */
  set: Cookie[];
  /** Keys (see cookieKey) of cookies removed, with when they were removed (ms). */
  removed: { key: string; at: number }[];
}

/**
 * Applies changes onto a base list, newest wins: a change replaces the stored cookie unless the
 * stored one carries a later `setAt` (another process wrote it after this change was made).
 * Expired cookies are dropped.
 */
export function mergeCookies(base: Cookie[], changes: CookieChanges, nowSeconds = Date.now() / 1000): Cookie[] {
  const byKey = new Map(base.map((c) => [cookieKey(c), c]));
  for (const { key, at } of changes.removed) {
    const stored = byKey.get(key);
    if (stored && (stored.setAt ?? 0) <= at) byKey.delete(key);
  }
  for (const cookie of changes.set) {
    const key = cookieKey(cookie);
    const stored = byKey.get(key);
    if (stored && (stored.setAt ?? 0) > (cookie.setAt ?? Number.MAX_SAFE_INTEGER)) continue;
    byKey.set(key, cookie);
  }
  return [...byKey.values()].filter((c) => c.expires === null || c.expires > nowSeconds);
}
