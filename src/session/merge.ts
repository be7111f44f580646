import type { Cookie, Session } from './schema/index.js';

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

/** A session's login generation (see docs/session-format.md, "Login generation"): absent is 0. */
export function generationOf(session: Pick<Session, 'generation'>): number {
  return session.generation ?? 0;
}

/**
 * Cookie changes made under login generation `basedOn` merged into `current`, the session as
 * stored now. Under the same generation, newest wins (mergeCookies). From another generation (a
 * process that has not yet picked up a refresh done elsewhere, or a file recorded again) the
 * changes only add cookies the file lacks: they neither replace nor remove one, so an answer to
 * the old login (a `sid=; Max-Age=0` on its 401, a rotated cookie) cannot undo the newer login.
 */
export function mergeWriteBack(current: Session, changes: CookieChanges, basedOn: number, nowSeconds = Date.now() / 1000): Session {
  if (basedOn === generationOf(current)) return { ...current, cookies: mergeCookies(current.cookies, changes, nowSeconds) };
  const held = new Set(current.cookies.map(cookieKey));
  const added = changes.set.filter((c) => !held.has(cookieKey(c)));
  return { ...current, cookies: mergeCookies(current.cookies, { set: added, removed: [] }, nowSeconds) };
}
