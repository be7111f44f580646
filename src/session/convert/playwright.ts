import { z } from 'zod';
import { IndexedDBDatabaseSchema, type Cookie, type IndexedDBDatabase, type OriginState, type Session } from '../schema/index.js';
import { deriveStorageRules } from '../derive-rules.js';
import { newSession } from '../new-session.js';
import { addCookieFieldLosses, addStateLosses, finishImport, parseInput, parseJsonInput, splitDomain, type ImportOptions } from './common.js';
import { LossCollector, type Conversion } from './report.js';

/** Playwright's `storageState()` document, as `browser.newContext({ storageState })` accepts it. */
export interface StorageState {
  cookies: StorageStateCookie[];
  origins: {
    origin: string;
    localStorage: { name: string; value: string }[];
    indexedDB?: IndexedDBDatabase[];
  }[];
}

export interface StorageStateCookie {
  name: string;
  value: string;
  /** A leading dot means the cookie is also sent to subdomains. */
  domain: string;
  path: string;
  /** Unix seconds (may be fractional); -1 for a session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
  partitionKey?: string;
}

const CookieInput = z.looseObject({
  name: z.string(),
  value: z.string(),
  domain: z.string().min(1),
  path: z.string().default('/'),
  expires: z.number().default(-1),
  httpOnly: z.boolean().default(false),
  secure: z.boolean().default(false),
  sameSite: z.enum(['Strict', 'Lax', 'None']).optional(),
  partitionKey: z.string().optional(),
});

const OriginInput = z.looseObject({
  origin: z.string(),
  localStorage: z.array(z.strictObject({ name: z.string(), value: z.string() })).default([]),
  indexedDB: z.array(IndexedDBDatabaseSchema).optional(),
});

const StorageStateInput = z.looseObject({
  cookies: z.array(CookieInput).default([]),
  origins: z.array(OriginInput).default([]),
});

const KNOWN_STATE_KEYS = new Set(['cookies', 'origins']);
const KNOWN_COOKIE_KEYS = new Set(['name', 'value', 'domain', 'path', 'expires', 'httpOnly', 'secure', 'sameSite', 'partitionKey']);
const KNOWN_ORIGIN_KEYS = new Set(['origin', 'localStorage', 'indexedDB']);

/**
 * Reads a Playwright storageState file into a new session named `options.name`. A JWT kept in an
 * origin's storage becomes an `Authorization: Bearer` rule for that origin (listed in
 * `report.derived`), as `record` makes of the header a page sends.
 */
export function fromPlaywright(text: string, options: ImportOptions): Conversion<Session> {
  const state = parseInput(StorageStateInput, parseJsonInput(text, options.file, 'a Playwright storageState'), options.file, 'Playwright storageState');
  const losses = new LossCollector();
  countUnknownKeys(losses, [state], KNOWN_STATE_KEYS, 'storageState');
  countUnknownKeys(losses, state.cookies, KNOWN_COOKIE_KEYS, 'cookie');
  countUnknownKeys(losses, state.origins, KNOWN_ORIGIN_KEYS, 'origin');
  const cookies: Cookie[] = state.cookies.map((c) => {
    const { domain, dotted } = splitDomain(c.domain);
    return {
      name: c.name,
      value: c.value,
      domain,
      hostOnly: !dotted,
      path: c.path,
      expires: c.expires < 0 ? null : c.expires,
      httpOnly: c.httpOnly,
      secure: c.secure,
      ...(c.sameSite ? { sameSite: c.sameSite } : {}),
      ...(c.partitionKey !== undefined ? { partitionKey: c.partitionKey } : {}),
    };
  });
  const origins: OriginState[] = state.origins.map((o) => ({
    origin: o.origin,
    localStorage: Object.fromEntries(o.localStorage.map((e) => [e.name, e.value])),
    sessionStorage: {},
    ...(o.indexedDB ? { indexedDB: o.indexedDB } : {}),
  }));
  const base = { ...newSession(options.name, options.now), cookies, origins };
  // An SPA's storageState holds its token but not the header the page sent it in: derive that.
  const derived = deriveStorageRules(base);
  const session = { ...base, headers: { ...base.headers, rules: derived.map((d) => d.rule) } };
  return { result: finishImport(session, options.file), report: { ...losses.report(), derived: derived.map((d) => d.detail) } };
}

/** Writes a session as a Playwright storageState; what it has no field for is reported. */
export function toPlaywright(session: Session): Conversion<StorageState> {
  const losses = new LossCollector();
  losses.add('SameSite', session.cookies.filter((c) => c.sameSite === undefined).length, 'cookies without SameSite written as "Lax" (what browsers assume)');
  addCookieFieldLosses(losses, session.cookies, ['setAt']);
  // Rules an import of the written state derives again are not lost: derive from what it keeps.
  const written = { ...session, origins: session.origins.map((o) => ({ ...o, sessionStorage: {} })), headers: { default: {}, origins: {}, rules: [] } };
  const rules = deriveStorageRules(written).map((d) => d.rule);
  addStateLosses(losses, session, { localStorage: true, indexedDB: true, rules });
  const cookies = session.cookies.map(
    (c): StorageStateCookie => ({
      name: c.name,
      value: c.value,
      domain: c.hostOnly ? c.domain : `.${c.domain}`,
      path: c.path,
      expires: c.expires ?? -1,
      httpOnly: c.httpOnly,
      secure: c.secure,
      sameSite: c.sameSite ?? 'Lax',
      ...(c.partitionKey !== undefined ? { partitionKey: c.partitionKey } : {}),
    }),
  );
  const origins = session.origins
    .filter((o) => Object.keys(o.localStorage).length > 0 || (o.indexedDB?.length ?? 0) > 0)
    .map((o) => ({
      origin: o.origin,
      localStorage: Object.entries(o.localStorage).map(([name, value]) => ({ name, value })),
      ...(o.indexedDB ? { indexedDB: o.indexedDB } : {}),
    }));
  return { result: { cookies, origins }, report: losses.report() };
}

/** Fields newer Playwright versions add (OPFS, passkeys, Chromium partition details) that v1 cannot hold. */
function countUnknownKeys(losses: LossCollector, items: object[], known: Set<string>, where: string): void {
  const counts = new Map<string, number>();
  for (const item of items) {
    for (const key of Object.keys(item)) if (!known.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, count] of counts) losses.add(`${where} field "${key}"`, count, 'not part of session format v1');
}
