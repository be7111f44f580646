import type { Cookie, OriginState, Session } from './index.js';
import { COOKIE_DOMAIN, COOKIE_NAME, COOKIE_PATH, COOKIE_VALUE, HEADER_NAME, HEADER_VALUE, PLAIN_TEXT } from './string-rules.js';

/**
 * The common session file (cookies, local and session storage, default and per-origin headers;
 * no login, tokens, header rules or IndexedDB) validated without zod: loading zod, building the
 * schema and its first parse cost a cold `sessionjar request` more than the request itself.
 * Returns what SessionSchema.parse returns for the text (same values, same key order, defaults
 * filled in) or undefined for anything else, which is then zod's to accept or to explain.
 * test/session/quick.spec.ts holds the two together on valid files and on thousands of broken ones.
 */
export function quickParseSession(text: string): Session | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(doc) || !onlyKeys(doc, SESSION_KEYS)) return undefined;
  const { version, generator, name, createdAt, updatedAt, generation } = doc;
  if (version !== 1 || typeof generator !== 'string' || !GENERATOR.test(generator)) return undefined;
  if (typeof name !== 'string' || name.length === 0 || !isDatetime(createdAt) || !isDatetime(updatedAt)) return undefined;
  if (generation !== undefined && !(Number.isSafeInteger(generation) && (generation as number) >= 0)) return undefined;
  const cookies = doc.cookies === undefined ? [] : listOf(doc.cookies, cookieOf);
  const origins = doc.origins === undefined ? [] : listOf(doc.origins, originStateOf);
  const headers = doc.headers === undefined ? { default: {}, origins: {}, rules: [] } : headersOf(doc.headers);
  if (!cookies || !origins || !headers) return undefined;
  return { version, generator, name, createdAt, updatedAt, ...(generation === undefined ? {} : { generation: generation as number }), cookies, origins, headers };
}

const SESSION_KEYS = new Set(['version', 'generator', 'name', 'createdAt', 'updatedAt', 'generation', 'cookies', 'origins', 'headers']);
const COOKIE_KEYS = new Set(['name', 'value', 'domain', 'hostOnly', 'path', 'expires', 'httpOnly', 'secure', 'sameSite', 'partitionKey', 'setAt']);
const ORIGIN_STATE_KEYS = new Set(['origin', 'localStorage', 'sessionStorage']);
const HEADERS_KEYS = new Set(['default', 'origins', 'rules']);
const SAME_SITE = new Set(['Strict', 'Lax', 'None']);
/** As v1.ts's `generator`. */
const GENERATOR = /^sessionjar@\d+\.\d+\.\d+/;
/** zod's `z.iso.datetime({ offset: true })`, copied (the spec checks it is still zod's). */
export const DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;

function cookieOf(c: unknown): Cookie | undefined {
  if (!isPlainObject(c) || !onlyKeys(c, COOKIE_KEYS)) return undefined;
  const { name, value, domain, hostOnly, path, expires, httpOnly, secure, sameSite, partitionKey, setAt } = c;
  if (!matches(name, COOKIE_NAME) || !matches(value, COOKIE_VALUE) || !matches(domain, COOKIE_DOMAIN)) return undefined;
  if (typeof hostOnly !== 'boolean' || !matches(path, COOKIE_PATH)) return undefined;
  if ((expires !== null && !isNumber(expires)) || typeof httpOnly !== 'boolean' || typeof secure !== 'boolean') return undefined;
  if (sameSite !== undefined && !SAME_SITE.has(sameSite as string)) return undefined;
  if ((partitionKey !== undefined && !matches(partitionKey, PLAIN_TEXT)) || (setAt !== undefined && !isNumber(setAt))) return undefined;
  return {
    name,
    value,
    domain,
    hostOnly,
    path,
    expires,
    httpOnly,
    secure,
    ...(sameSite === undefined ? {} : { sameSite: sameSite as Cookie['sameSite'] }),
    ...(partitionKey === undefined ? {} : { partitionKey }),
    ...(setAt === undefined ? {} : { setAt }),
  };
}

function originStateOf(o: unknown): OriginState | undefined {
  if (!isPlainObject(o) || !onlyKeys(o, ORIGIN_STATE_KEYS) || !isOrigin(o.origin)) return undefined;
  const localStorage = o.localStorage === undefined ? {} : stringRecord(o.localStorage);
  const sessionStorage = o.sessionStorage === undefined ? {} : stringRecord(o.sessionStorage);
  if (!localStorage || !sessionStorage) return undefined;
  return { origin: o.origin, localStorage, sessionStorage };
}

function headersOf(h: unknown): Session['headers'] | undefined {
  if (!isPlainObject(h) || !onlyKeys(h, HEADERS_KEYS)) return undefined;
  const byDefault = h.default === undefined ? {} : headerRecord(h.default);
  if (!byDefault || (h.rules !== undefined && !(Array.isArray(h.rules) && h.rules.length === 0))) return undefined;
  const origins: Record<string, Record<string, string>> = {};
  if (h.origins !== undefined) {
    if (!isPlainObject(h.origins)) return undefined;
    for (const [origin, headers] of Object.entries(h.origins)) {
      const record = headerRecord(headers);
      if (!isOrigin(origin) || !record || origin === '__proto__') return undefined;
      origins[origin] = record;
    }
  }
  return { default: byDefault, origins, rules: [] };
}

function listOf<T>(value: unknown, itemOf: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const item of value) {
    const parsed = itemOf(item);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    // zod builds records by assignment, where `__proto__` would set the prototype: leave it to zod.
    if (typeof item !== 'string' || key === '__proto__') return undefined;
    out[key] = item;
  }
  return out;
}

/** A header map as v1.ts's HeaderMapSchema accepts it: token names, one-line values. */
function headerRecord(value: unknown): Record<string, string> | undefined {
  const record = stringRecord(value);
  if (!record) return undefined;
  for (const [name, item] of Object.entries(record)) if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(item)) return undefined;
  return record;
}

function matches(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && pattern.test(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  return Object.keys(value).every((key) => allowed.has(key));
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isDatetime(value: unknown): value is string {
  return typeof value === 'string' && DATETIME.test(value);
}

/** As v1.ts's OriginSchema. */
function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}
