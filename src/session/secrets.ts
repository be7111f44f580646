import { isSecretHeader, registerSecretsLater, watchSecrets } from '../core/redact.js';
import type { Session } from './schema/index.js';

/** Below these lengths a value is not worth hiding and scrubbing it would garble ordinary text. */
const MIN_COOKIE = 6;
const MIN_STORED = 8;
const MAX_VALUES = 10_000;
/**
 * Values a cookie or storage key often holds that are no secret (flags, words, small numbers, the
 * URL to go back to after a login): hiding them would garble every message that says "true",
 * names a port or shows a redirect. A token inside such a URL is still hidden by its shape.
 */
const ORDINARY = /^(?:true|false|null|undefined|none|yes|no|on|off|[a-z]{1,10}|\d{1,7})$|^https?:\/\//i;

/**
 * Every secret value a session holds, for scrubbing free text (error messages, stack traces):
 * cookie values, credential headers (whole and without their scheme), storage values and the
 * string fields of JSON stored there (a token inside `{"auth":{"access_token":…}}`), and long
 * strings in IndexedDB. Each also in the forms a server may echo it in: URL-encoded (values travel
 * in URLs), URL-decoded (`s%3Aabc.sig` is `s:abc.sig` to the app that set it), without the quotes
 * a cookie value may carry, and JSON-escaped. Ordinary values (`true`, `en-US`, `42`) are left out.
 */
export function sessionSecrets(session: Session): string[] {
  const out = new Set<string>();
  const add = (value: string, min: number) => {
    const plain = decoded(value);
    if (value.length < min || ORDINARY.test(value) || (plain !== undefined && ORDINARY.test(plain)) || out.size >= MAX_VALUES) return;
    out.add(value);
    const unquoted = /^"(.*)"$/s.exec(value)?.[1];
    for (const form of [encodeURIComponent(value), plain, unquoted, JSON.stringify(value).slice(1, -1)]) {
      if (form !== undefined && form.length >= min && !ORDINARY.test(form)) out.add(form);
    }
  };
  for (const c of session.cookies) add(c.value, MIN_COOKIE);
  const headerSets = [session.headers.default, ...Object.values(session.headers.origins)];
  for (const headers of headerSets) {
    for (const [name, value] of Object.entries(headers)) {
      if (!isSecretHeader(name)) continue;
      add(value, MIN_COOKIE);
      const space = value.indexOf(' ');
      if (space > 0) add(value.slice(space + 1), MIN_COOKIE);
    }
  }
  for (const origin of session.origins) {
    for (const value of [...Object.values(origin.localStorage), ...Object.values(origin.sessionStorage)]) {
      add(value, MIN_STORED);
      if (/^\s*[[{]/.test(value)) {
        try {
          stringsIn(JSON.parse(value), (s) => add(s, MIN_STORED));
        } catch {
          // Not JSON after all: the whole value is registered above.
        }
      }
    }
    for (const db of origin.indexedDB ?? []) stringsIn(db.stores.map((s) => s.records), (s) => add(s, 16));
  }
  return [...out];
}

function decoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined; // a lone "%": not URL-encoded
  }
}

/** Makes the secrets of `session` known to every later scrub of this process, computed only then. */
export function rememberSessionSecrets(session: Session): void {
  registerSecretsLater(() => sessionSecrets(session));
}

/**
 * Keeps the secrets of a session that changes while `owner` lives (a client whose cookies rotate)
 * known to every scrub: asked for its session only when text is scrubbed, never per request.
 * Call the returned function when the owner is done (closed): the session as it stands then stays
 * known. The owner is held weakly, so one never closed can still be collected.
 */
export function trackSessionSecrets<T extends object>(owner: T, sessionOf: (owner: T) => Session): () => void {
  const ref = new WeakRef(owner);
  // `-v` scrubs every line: the values are worked out again only when the session object changed.
  let seen: { session: Session; values: string[] } | undefined;
  const stop = watchSecrets(() => {
    const live = ref.deref();
    if (!live) return undefined;
    const session = sessionOf(live);
    if (seen?.session !== session) seen = { session, values: sessionSecrets(session) };
    return seen.values;
  });
  return () => {
    stop();
    const live = ref.deref();
    if (live) rememberSessionSecrets(sessionOf(live));
  };
}

function stringsIn(value: unknown, visit: (s: string) => void, depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, visit, depth + 1);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, visit, depth + 1);
}
