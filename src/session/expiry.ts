import { authCookies, tokenRefs } from './credentials.js';
import { jwtExpiry, looksLikeJwt } from './jwt.js';
import type { Session, StateRef } from './schema/index.js';
import { readStateRef } from './state-ref.js';

export type ExpiryState = 'valid' | 'expiring' | 'expired' | 'unknown';

export interface Expiry {
  state: ExpiryState;
  /** Unix seconds (like a cookie's `expires`) when the earliest auth credential stops working. */
  expiresAt?: number;
  /** What decided, for people: `cookie "sid" (example.com)`, `JWT in localStorage "token" (https://app.example)`. */
  source?: string;
}

export interface ExpiryOptions {
  /** Report `expiring` this many seconds before the expiry. Default 60. */
  marginSeconds?: number;
  /** Milliseconds, as Date.now(). */
  now?: number;
}

interface Deadline {
  at: number;
  source: string;
}

function cookieDeadlines(session: Session): Deadline[] {
  // A session cookie lives as long as the browser would: it never expires by time.
  return authCookies(session).flatMap((c) =>
    c.expires === null || c.expires <= 0 ? [] : [{ at: c.expires, source: `cookie "${c.name}" (${c.domain})` }],
  );
}

function describeRef(ref: StateRef): string {
  if ('cookie' in ref) return `cookie "${ref.cookie}"`;
  return `${ref.storage} "${ref.key}${ref.jsonPath ? `.${ref.jsonPath}` : ''}" (${ref.origin})`;
}

function jwtDeadline(value: string | undefined, where: string): Deadline[] {
  const at = value === undefined ? undefined : jwtExpiry(value);
  return at === undefined ? [] : [{ at, source: `JWT in ${where}` }];
}

/** JWT strings anywhere in a stored value: itself, or string fields of the JSON it holds. */
function jwtsIn(value: string): string[] {
  if (looksLikeJwt(value)) return [value];
  if (!/^\s*[[{]/.test(value)) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (node: unknown, level: number): void => {
    if (typeof node === 'string') found.push(...(looksLikeJwt(node) ? [node] : []));
    else if (node !== null && typeof node === 'object' && level < 6) for (const child of Object.values(node)) walk(child, level + 1);
  };
  walk(doc, 0);
  return found;
}

function headerDeadlines(session: Session): Deadline[] {
  const defaults = Object.entries(session.headers.default).map(([name, value]) => ({ name, value, where: 'every origin' }));
  const perOrigin = Object.entries(session.headers.origins).flatMap(([origin, headers]) =>
    Object.entries(headers).map(([name, value]) => ({ name, value, where: origin })),
  );
  return [...defaults, ...perOrigin].flatMap((h) => jwtDeadline(h.value, `header "${h.name}" (${h.where})`));
}

/**
 * Token deadlines: the tokens the recording listed and the header rules' sources when the file has
 * either (they are what requests send); else every JWT found in storage.
 */
function tokenDeadlines(session: Session): Deadline[] {
  const refs = tokenRefs(session);
  if (refs.length > 0) return refs.flatMap((ref) => jwtDeadline(readStateRef(session, ref), describeRef(ref)));
  return session.origins.flatMap((o) =>
    (['localStorage', 'sessionStorage'] as const).flatMap((storage) =>
      Object.entries(o[storage]).flatMap(([key, value]) =>
        jwtsIn(value).flatMap((jwt) => jwtDeadline(jwt, `${storage} "${key}" (${o.origin})`)),
      ),
    ),
  );
}

/**
 * When the session stops working, from what the file holds: the earliest expiry among its auth
 * cookies and its JWTs' `exp`. `unknown` when nothing tells (session cookies, opaque tokens, an
 * `exp` in milliseconds): only a live probe or a logged-out answer can decide then.
 */
export function sessionExpiry(session: Session, options: ExpiryOptions = {}): Expiry {
  const margin = options.marginSeconds ?? 60;
  const now = (options.now ?? Date.now()) / 1000;
  const deadlines = [...cookieDeadlines(session), ...headerDeadlines(session), ...tokenDeadlines(session)];
  if (deadlines.length === 0) return { state: 'unknown' };
  const first = deadlines.reduce((a, b) => (b.at < a.at ? b : a));
  const state: ExpiryState = now >= first.at ? 'expired' : now >= first.at - margin ? 'expiring' : 'valid';
  return { state, expiresAt: first.at, source: first.source };
}

/**
 * "in 59m 30s" / "3m 5s ago" / "in 2h 5m" / "in 3d 4h": two units once the first is found, even a
 * zero one ("in 1h 0m"), so the shape does not change with the second the clock shows.
 */
export function relativeTime(atSeconds: number, nowMs = Date.now()): string {
  const delta = Math.round(atSeconds - nowMs / 1000);
  let left = Math.abs(delta);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (left >= size || parts.length === 1 || unit === 's') {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
    if (parts.length === 2) break;
  }
  return delta >= 0 ? `in ${parts.join(' ')}` : `${parts.join(' ')} ago`;
}
