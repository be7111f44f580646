import type { HeaderRule, Session } from '../session/schema/index.js';
import { readStateRef } from '../session/state-ref.js';
import { CredentialHeaders } from './credential-headers.js';
import type { SessionCookieJar } from './jar.js';
import type { HeaderMap } from './types.js';

export type { HeaderMap } from './types.js';

/** Lower-cased names, so a caller's `authorization` replaces a recorded `Authorization`. */
export function lowerKeys<V = string>(headers: Record<string, V> | undefined): Record<string, V> {
  const out: Record<string, V> = {};
  if (headers) for (const name of Object.keys(headers)) out[name.toLowerCase()] = headers[name] as V;
  return out;
}

/**
 * Which headers a request to an origin carries: the recorded defaults (User-Agent,
 * Accept-Language), the caller's client-wide headers over them, the session's per-origin headers
 * for that exact origin only, and the header rules (a stored token → `Authorization: Bearer …`, a
 * CSRF cookie → `X-XSRF-TOKEN`) for their listed origins only, evaluated against the current state.
 * Results are cached per origin until the session state or a cookie that origin's rules read
 * changes; a server rotating some other cookie costs no recomputation, and a recomputation that
 * finds the same values keeps the same object (so callers caching by identity keep their cache).
 *
 * @example
 * ```ts
 * const policy = new HeaderPolicy(session, jar, { 'x-client': 'script' });
 * policy.forOrigin('https://api.example.com'); // { 'user-agent': …, authorization: 'Bearer …' }
 * ```
 */
export class HeaderPolicy {
  private readonly cache = new Map<string, OriginHeaders>();
  private base: HeaderMap = {};
  private session: Session;
  /** Which header names are credentials for this session (see credential-headers.ts). */
  credentials: CredentialHeaders;

  constructor(
    session: Session,
    private readonly jar: SessionCookieJar,
    private readonly clientHeaders: HeaderMap = {},
  ) {
    this.session = session;
    this.credentials = new CredentialHeaders(session);
    this.reload(session);
  }

  /** Uses the state of a new session (after a refresh, or a blank one after `clear()`). */
  reload(session: Session): void {
    this.session = session;
    this.base = { ...lowerKeys(session.headers.default), ...this.clientHeaders };
    this.credentials = new CredentialHeaders(session);
    this.cache.clear();
  }

  /** All headers for `origin`; do not mutate the result. */
  forOrigin(origin: string): HeaderMap {
    return this.entry(origin).headers;
  }

  /**
   * Headers for a hop that must not carry credentials (another origin than the one the caller
   * asked for, or an https → http downgrade): the recorded defaults and the caller's non-credential
   * headers, plus — unless `downgrade` — the new origin's own per-origin and rule headers.
   */
  forRedirect(origin: string, downgrade: boolean): HeaderMap {
    const { headers, scoped } = this.entry(origin);
    const out: HeaderMap = {};
    for (const name of Object.keys(headers)) {
      const own = scoped.has(name);
      if (own ? !downgrade : !this.credentials.has(name)) out[name] = headers[name] as string;
    }
    return out;
  }

  private entry(origin: string): OriginHeaders {
    const cached = this.cache.get(origin);
    if (cached === undefined) {
      const rules = this.session.headers.rules.filter((rule) => rule.origins.includes(origin));
      const cookies = [...new Set(rules.flatMap((rule) => ('cookie' in rule.from ? [rule.from.cookie] : [])))];
      const entry = this.build(origin, rules, cookies, rules.map((rule) => this.ruleValue(rule)));
      this.cache.set(origin, entry);
      return entry;
    }
    if (cached.cookies.length === 0) return cached;
    this.jar.expireDue();
    const version = this.jar.version;
    if (!cached.cookies.some((name) => this.jar.changedSince(name, cached.checked))) return cached;
    const values = cached.rules.map((rule) => this.ruleValue(rule));
    if (values.every((value, i) => value === cached.values[i])) {
      cached.checked = version;
      return cached;
    }
    const entry = this.build(origin, cached.rules, cached.cookies, values);
    this.cache.set(origin, entry);
    return entry;
  }

  private build(origin: string, rules: HeaderRule[], cookies: string[], values: (string | undefined)[]): OriginHeaders {
    const scoped: HeaderMap = lowerKeys(this.session.headers.origins[origin]);
    rules.forEach((rule, i) => {
      const value = values[i];
      if (value !== undefined) scoped[rule.header.toLowerCase()] = rule.template.split('{value}').join(value);
    });
    return { headers: { ...this.base, ...scoped }, scoped: new Set(Object.keys(scoped)), rules, cookies, values, checked: this.jar.version };
  }

  private ruleValue(rule: HeaderRule): string | undefined {
    const from = rule.from;
    if ('cookie' in from) {
      const raw = this.jar.value(from.cookie, from.domain, from.path);
      // Angular and axios send the XSRF cookie URI-decoded.
      return raw === undefined ? undefined : safeDecode(raw);
    }
    return readStateRef(this.session, from);
  }
}

/** One origin's headers, with what they were computed from. */
interface OriginHeaders {
  headers: HeaderMap;
  /** Names of the per-origin and rule headers (not the defaults). */
  scoped: Set<string>;
  /** The rules for this origin, the cookie names they read, and the values they gave. */
  rules: HeaderRule[];
  cookies: string[];
  values: (string | undefined)[];
  /** The jar version the values were read at. */
  checked: number;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
