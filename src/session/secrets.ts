import { isSecretHeader } from '../core/redact.js';
import type { Session } from './schema/index.js';

/** Below these lengths a value is not worth hiding and scrubbing it would garble ordinary text. */
const MIN_COOKIE = 6;
const MIN_STORED = 8;
const MAX_VALUES = 10_000;

/**
 * Every secret value a session holds, for scrubbing free text (error messages, stack traces):
 * cookie values, credential headers (whole and without their scheme), storage values and the
 * string fields of JSON stored there (a token inside `{"auth":{"access_token":…}}`), and long
 * strings in IndexedDB. URL-encoded forms are included, since values travel in URLs too.
 */
export function sessionSecrets(session: Session): string[] {
  const out = new Set<string>();
  const add = (value: string, min: number) => {
    if (value.length < min || out.size >= MAX_VALUES) return;
    out.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) out.add(encoded);
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

function stringsIn(value: unknown, visit: (s: string) => void, depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, visit, depth + 1);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, visit, depth + 1);
}
