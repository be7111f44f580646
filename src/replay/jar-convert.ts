import { Cookie as ToughCookie, type CookieJar } from 'tough-cookie';
import type { Cookie } from '../session/schema/index.js';

/**
 * tough-cookie has no `creation` for "unknown": cookies without `setAt` get the epoch, which sorts
 * them before any cookie set during replay (they are older) and maps back to no `setAt`.
 */
const UNKNOWN_CREATION = 0;

const TO_TOUGH = { Strict: 'strict', Lax: 'lax', None: 'none' } as const;
const FROM_TOUGH: Record<string, Cookie['sameSite']> = { strict: 'Strict', lax: 'Lax', none: 'None' };

/** One session cookie as a tough-cookie Cookie, exactly as stored (no domain or path defaulting). */
export function toToughCookie(c: Cookie): ToughCookie {
  return new ToughCookie({
    key: c.name,
    value: c.value,
    domain: c.domain.toLowerCase(),
    path: c.path,
    hostOnly: c.hostOnly,
    pathIsDefault: false,
    expires: c.expires === null ? 'Infinity' : new Date(c.expires * 1000),
    httpOnly: c.httpOnly,
    secure: c.secure,
    ...(c.sameSite ? { sameSite: TO_TOUGH[c.sameSite] } : {}),
    creation: new Date(c.setAt ?? UNKNOWN_CREATION),
  });
}

/**
 * Puts session cookies into a jar's store as they are: `setCookie` would re-derive hostOnly and
 * refuse cookies whose domain the URL does not match. tough-cookie has no partition keys: a
 * partitioned cookie goes in as an ordinary one (jarToSessionCookies restores its key from
 * `previous`).
 */
export async function sessionCookiesToJar(cookies: readonly Cookie[], jar: CookieJar): Promise<void> {
  for (const c of cookies) await jar.store.putCookie(toToughCookie(c));
}

/** A tough-cookie Cookie as a session cookie; undefined when it lacks a domain or path. */
export function fromToughCookie(t: ToughCookie): Cookie | undefined {
  if (!t.domain || !t.path) return undefined;
  const expires = t.expiryTime();
  const creation = t.creation instanceof Date ? t.creation.getTime() : UNKNOWN_CREATION;
  const sameSite = t.sameSite ? FROM_TOUGH[t.sameSite.toLowerCase()] : undefined;
  return {
    name: t.key,
    value: t.value,
    domain: t.domain,
    hostOnly: t.hostOnly ?? false,
    path: t.path,
    expires: expires === undefined || !Number.isFinite(expires) ? null : expires / 1000,
    httpOnly: t.httpOnly,
    secure: t.secure,
    ...(sameSite ? { sameSite } : {}),
    ...(creation !== UNKNOWN_CREATION ? { setAt: creation } : {}),
  };
}

/**
 * Every cookie in the jar as session cookies (expired ones included: the caller merges). Partition
 * keys come back from `previous`, matched by (name, domain, path).
 */
export async function jarToSessionCookies(jar: CookieJar, previous: readonly Cookie[] = []): Promise<Cookie[]> {
  const partitions = new Map(
    previous.filter((c) => c.partitionKey !== undefined).map((c) => [key(c.name, c.domain, c.path), c.partitionKey!]),
  );
  const out: Cookie[] = [];
  for (const t of await jar.store.getAllCookies()) {
    const c = fromToughCookie(t);
    if (!c) continue;
    const partitionKey = partitions.get(key(c.name, c.domain, c.path));
    out.push(partitionKey === undefined ? c : { ...c, partitionKey });
  }
  return out;
}

function key(name: string, domain: string, path: string): string {
  return `${name}\u0000${domain.toLowerCase()}\u0000${path}`;
}
