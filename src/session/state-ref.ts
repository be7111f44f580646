import { getJsonPath, setJsonPath } from './json-path.js';
import type { Cookie, Session, StateRef } from './schema/index.js';

/**
 * Reading and writing the values a StateRef points at (a storage key, optionally a field of the JSON
 * stored there, or a cookie). Header rules, expiry math and the OAuth refresh all address tokens
 * this way, so they agree on where a token lives.
 */

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function cookieMatches(cookie: Cookie, ref: { cookie: string; domain?: string; path?: string }): boolean {
  if (cookie.name !== ref.cookie) return false;
  if (ref.domain !== undefined && cookie.domain.toLowerCase() !== ref.domain.replace(/^\./, '').toLowerCase()) return false;
  return ref.path === undefined || cookie.path === ref.path;
}

/** The string the ref points at now, or undefined when it is absent or not a string/number. */
export function readStateRef(session: Session, ref: StateRef): string | undefined {
  if ('cookie' in ref) return session.cookies.find((c) => cookieMatches(c, ref))?.value;
  const store = session.origins.find((o) => o.origin === ref.origin)?.[ref.storage];
  // Own keys only: a key such as "constructor" must not read Object.prototype's.
  const raw = store && Object.hasOwn(store, ref.key) ? store[ref.key] : undefined;
  if (raw === undefined || ref.jsonPath === undefined) return raw;
  const value = getJsonPath(parseJson(raw), ref.jsonPath);
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * A copy of the session with the ref's value replaced. A storage ref creates its origin and key when
 * missing; a cookie ref updates the existing cookie only (a new cookie needs a domain and flags a
 * ref does not carry), and returns the session unchanged when there is none.
 */
export function writeStateRef(session: Session, ref: StateRef, value: string, nowMs = Date.now()): Session {
  if ('cookie' in ref) {
    return { ...session, cookies: session.cookies.map((c) => (cookieMatches(c, ref) ? { ...c, value, setAt: nowMs } : c)) };
  }
  const origins = session.origins.some((o) => o.origin === ref.origin)
    ? session.origins
    : [...session.origins, { origin: ref.origin, localStorage: {}, sessionStorage: {} }];
  return {
    ...session,
    origins: origins.map((o) => {
      if (o.origin !== ref.origin) return o;
      const store = o[ref.storage];
      const stored = Object.hasOwn(store, ref.key) ? store[ref.key] : undefined;
      const next = ref.jsonPath === undefined ? value : JSON.stringify(setJsonPath(parseJson(stored ?? ''), ref.jsonPath, value));
      return { ...o, [ref.storage]: { ...store, [ref.key]: next } };
    }),
  };
}
