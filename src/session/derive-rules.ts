import { isPathSegment } from './json-path.js';
import { decodeJwtPayload, looksLikeJwt } from './jwt.js';
import type { HeaderRule, Session, StateRef } from './schema/index.js';
import { readStateRef } from './state-ref.js';

/**
 * Finding where a value lives in a session's state, and header rules derived from the state alone.
 * `record` matches what the page sent against the state; `import` of a storageState, which has no
 * requests to look at, turns a JWT kept in storage into the `Authorization: Bearer` rule a page
 * would have sent. Pure: no browser, no transport.
 */

type StorageRef = Extract<StateRef, { storage: string }>;

/** Dot path to the first string equal to `needle` inside parsed JSON, e.g. `auth.access_token`. */
export function findJsonPath(value: unknown, needle: string, prefix = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (!isPathSegment(key)) continue; // not addressable by a dot path
    const path = prefix ? `${prefix}.${key}` : key;
    if (child === needle) return path;
    const inner = findJsonPath(child, needle, path);
    if (inner) return inner;
  }
  return undefined;
}

export function parseJsonValue(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Where in the session `value` is kept now: a storage key, a field of JSON stored there, or a cookie.
 * Storage of `preferOrigin` is searched first. Only refs that read back the exact value are returned.
 */
export function findStateRef(session: Session, value: string, preferOrigin?: string): StateRef | undefined {
  if (value === '') return undefined;
  const candidates: StateRef[] = [];
  const origins = [...session.origins].sort((a, b) => Number(b.origin === preferOrigin) - Number(a.origin === preferOrigin));
  for (const o of origins) {
    for (const storage of ['localStorage', 'sessionStorage'] as const) {
      for (const [key, raw] of Object.entries(o[storage])) {
        if (raw === value) candidates.push({ storage, origin: o.origin, key });
        const jsonPath = findJsonPath(parseJsonValue(raw), value);
        if (jsonPath) candidates.push({ storage, origin: o.origin, key, jsonPath });
      }
    }
  }
  for (const c of session.cookies) {
    if (c.value === value || safeDecode(c.value) === value) candidates.push({ cookie: c.name, domain: c.domain, path: c.path });
  }
  return candidates.find((ref) => readStateRef(session, ref) === value);
}

function stringsIn(value: unknown, visit: (text: string, path: string) => void, prefix = ''): void {
  if (typeof value === 'string') visit(value, prefix);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (isPathSegment(key)) stringsIn(child, visit, prefix ? `${prefix}.${key}` : key);
    }
  }
}

/** A real JWT: the shape alone is not enough ("a.b.c" is common), the payload must decode to a JSON object. */
export function isJwt(token: string): boolean {
  return looksLikeJwt(token) && decodeJwtPayload(token) !== undefined;
}

/** Every JWT kept in local or session storage (whole values or JSON fields), in storage order. */
export function storedJwts(session: Session): { token: string; from: StorageRef }[] {
  const found: { token: string; from: StorageRef }[] = [];
  for (const o of session.origins) {
    for (const storage of ['localStorage', 'sessionStorage'] as const) {
      for (const [key, raw] of Object.entries(o[storage])) {
        if (!raw.includes(' ') && isJwt(raw)) found.push({ token: raw, from: { storage, origin: o.origin, key } });
        stringsIn(parseJsonValue(raw), (text, jsonPath) => {
          if (isJwt(text)) found.push({ token: text, from: { storage, origin: o.origin, key, jsonPath } });
        });
      }
    }
  }
  return found;
}

/** What an import derived, for its report: `Authorization: Bearer {value}` from where, to where. */
export interface DerivedRule {
  rule: HeaderRule;
  detail: string;
}

/**
 * How likely a stored JWT is the one a page sends as Authorization, by the name it is kept under:
 * an access token first, then a generic token; an ID token is a last resort; a refresh token is
 * never sent to an API.
 */
function accessScore(from: StorageRef): number {
  const name = (from.jsonPath ?? from.key).split('.').pop() ?? '';
  if (/refresh/i.test(name)) return -1;
  if (/access/i.test(name)) return 3;
  if (/id_?token/i.test(name)) return 1;
  return /token|jwt|auth|bearer/i.test(name) ? 2 : 0;
}

/** "JWT" when the JSON the token sits in says `token_type: "JWT"`; Bearer otherwise (OAuth's default). */
function schemeFor(session: Session, from: StorageRef): string {
  if (from.jsonPath === undefined) return 'Bearer';
  const raw = session.origins.find((o) => o.origin === from.origin)?.[from.storage][from.key] ?? '';
  const parent = from.jsonPath.split('.').slice(0, -1);
  let node = parseJsonValue(raw);
  for (const part of parent) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  const type = node !== null && typeof node === 'object' ? (node as Record<string, unknown>).token_type : undefined;
  return typeof type === 'string' && /^[A-Za-z][\w-]*$/.test(type) && type.toLowerCase() !== 'bearer' ? type : 'Bearer';
}

function describeStorageRef(from: StorageRef): string {
  return `${from.storage} "${from.key}"${from.jsonPath ? ` field ${from.jsonPath}` : ''} of ${from.origin}`;
}

/**
 * For each origin whose storage holds a JWT that can be an access token, the rule
 * `Authorization: Bearer {value}` reading it, sent to that origin only (an API elsewhere is not
 * guessed: add it with `sessionjar edit --header-rule`). Origins that already have an Authorization
 * rule or header are left alone.
 */
export function deriveStorageRules(session: Session): DerivedRule[] {
  const best = new Map<string, { from: StorageRef; score: number }>();
  for (const { from } of storedJwts(session)) {
    const score = accessScore(from);
    const current = best.get(from.origin);
    if (score >= 0 && (!current || score > current.score)) best.set(from.origin, { from, score });
  }
  const derived: DerivedRule[] = [];
  for (const [origin, { from }] of best) {
    const covered =
      session.headers.rules.some((r) => r.header.toLowerCase() === 'authorization' && r.origins.includes(origin)) ||
      Object.keys(session.headers.origins[origin] ?? {}).some((h) => h.toLowerCase() === 'authorization');
    if (covered) continue;
    const template = `${schemeFor(session, from)} {value}`;
    derived.push({
      rule: { header: 'Authorization', from, template, origins: [origin] },
      detail: `Authorization: ${template} from the JWT in ${describeStorageRef(from)}, sent to ${origin} only`,
    });
  }
  return derived;
}
