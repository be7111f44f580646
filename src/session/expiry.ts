import { authCookies, tokenRefs } from './credentials.js';
import { jwtExpiry, jwtIssuedAt, looksLikeJwt } from './jwt.js';
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
  /**
   * Report `expiring` this many seconds before the expiry. Default 60. A credential whose lifetime
   * is known gets at most half of it (see {@link effectiveMargin}).
   */
  marginSeconds?: number;
  /** Milliseconds, as Date.now(). */
  now?: number;
}

interface Deadline {
  at: number;
  /** Unix seconds when the credential was issued (a JWT's `iat`, a cookie's `setAt`), when known. */
  issuedAt?: number;
  source: string;
}

function cookieDeadlines(session: Session): Deadline[] {
  // A session cookie lives as long as the browser would: it never expires by time.
  return authCookies(session).flatMap((c) =>
    c.expires === null || c.expires <= 0
      ? []
      : [{ at: c.expires, source: `cookie "${c.name}" (${c.domain})`, ...(c.setAt === undefined ? {} : { issuedAt: c.setAt / 1000 }) }],
  );
}

function describeRef(ref: StateRef): string {
  if ('cookie' in ref) return `cookie "${ref.cookie}"`;
  return `${ref.storage} "${ref.key}${ref.jsonPath ? `.${ref.jsonPath}` : ''}" (${ref.origin})`;
}

function jwtDeadline(value: string | undefined, where: string): Deadline[] {
  const at = value === undefined ? undefined : jwtExpiry(value);
  if (value === undefined || at === undefined) return [];
  const issuedAt = jwtIssuedAt(value);
  return [{ at, source: `JWT in ${where}`, ...(issuedAt === undefined ? {} : { issuedAt }) }];
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
 * The margin one credential gets: `marginSeconds`, but never more than half its lifetime (expiry
 * minus issue time) when that is known. A login that grants less than the margin would otherwise
 * count as expiring the moment it was made, and every request would log in again. With half, a
 * credential is refreshed no earlier than halfway through its life, so at most about two logins per
 * lifetime, and half the lifetime is still left for the new login to finish before the old one stops
 * working. Credentials that live at least twice the margin (nearly all) keep the margin as given.
 */
export function effectiveMargin(marginSeconds: number, lifetimeSeconds?: number): number {
  return lifetimeSeconds === undefined || lifetimeSeconds <= 0 ? marginSeconds : Math.min(marginSeconds, lifetimeSeconds / 2);
}

function deadlines(session: Session): Deadline[] {
  return [...cookieDeadlines(session), ...headerDeadlines(session), ...tokenDeadlines(session)];
}

/** When the first of the deadlines counts as expiring: each one's expiry less its own margin. */
function earliestExpiring(all: Deadline[], margin: number): number {
  return Math.min(...all.map((d) => d.at - effectiveMargin(margin, d.issuedAt === undefined ? undefined : d.at - d.issuedAt)));
}

/**
 * When the session starts to count as `expiring` (Unix seconds): the earliest of its credentials'
 * expiries less their margins. undefined when nothing in the file tells. For a caller that checks
 * often (the refresher, before every request) and compares it with the clock itself.
 */
export function expiringFrom(session: Session, options: Pick<ExpiryOptions, 'marginSeconds'> = {}): number | undefined {
  const margin = options.marginSeconds ?? 60;
  const all = deadlines(session);
  return all.length === 0 ? undefined : earliestExpiring(all, margin);
}

/**
 * When the session stops working, from what the file holds: the earliest expiry among its auth
 * cookies and its JWTs' `exp`. `unknown` when nothing tells (session cookies, opaque tokens, an
 * `exp` in milliseconds): only a live probe or a logged-out answer can decide then. `expiring`
 * within the margin, which a short-lived credential gets only in part ({@link effectiveMargin}).
 */
export function sessionExpiry(session: Session, options: ExpiryOptions = {}): Expiry {
  const margin = options.marginSeconds ?? 60;
  const now = (options.now ?? Date.now()) / 1000;
  const all = deadlines(session);
  if (all.length === 0) return { state: 'unknown' };
  const first = all.reduce((a, b) => (b.at < a.at ? b : a));
  const state: ExpiryState = now >= first.at ? 'expired' : now >= earliestExpiring(all, margin) ? 'expiring' : 'valid';
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
