import { isSecretHeader } from '../core/redact.js';
import type { HeaderRule, Session } from '../session/schema/index.js';
import { readStateRef } from '../session/state-ref.js';
import type { SessionCookieJar } from './jar.js';

export type HeaderMap = Record<string, string>;

/** Lower-cased names, so a caller's `authorization` replaces a recorded `Authorization`. */
export function lowerKeys<V = string>(headers: Record<string, V> | undefined): Record<string, V> {
  const out: Record<string, V> = {};
  if (headers) for (const name of Object.keys(headers)) out[name.toLowerCase()] = headers[name] as V;
  return out;
}

/** Headers that carry credentials: never sent across origins or on an https → http downgrade. */
export function isCredentialHeader(name: string): boolean {
  return isSecretHeader(name);
}

/**
 * Which headers a request to an origin carries: the recorded defaults (User-Agent,
 * Accept-Language), the caller's client-wide headers over them, the session's per-origin headers
 * for that exact origin only, and the header rules (a stored token → `Authorization: Bearer …`, a
 * CSRF cookie → `X-XSRF-TOKEN`) for their listed origins only, evaluated against the current state.
 * Results are cached per origin until the cookies or the session state change.
 *
 * @example
 * ```ts
 * const policy = new HeaderPolicy(session, jar, { 'x-client': 'script' });
 * policy.forOrigin('https://api.example.com'); // { 'user-agent': …, authorization: 'Bearer …' }
 * ```
 */
export class HeaderPolicy {
  private readonly cache = new Map<string, { jarVersion: number; headers: HeaderMap; scoped: Set<string> }>();
  private base: HeaderMap = {};
  private session: Session;
  /** Whether a rule reads a cookie, so a cookie change must recompute the cached headers. */
  private cookieRules = false;

  constructor(
    session: Session,
    private readonly jar: SessionCookieJar,
    private readonly clientHeaders: HeaderMap = {},
  ) {
    this.session = session;
    this.reload(session);
  }

  /** Uses the state of a new session (after a refresh, or a blank one after `clear()`). */
  reload(session: Session): void {
    this.session = session;
    this.base = { ...lowerKeys(session.headers.default), ...this.clientHeaders };
    this.cookieRules = session.headers.rules.some((rule) => 'cookie' in rule.from);
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
      if (own ? !downgrade : !isCredentialHeader(name)) out[name] = headers[name] as string;
    }
    return out;
  }

  private entry(origin: string): { headers: HeaderMap; scoped: Set<string> } {
    const cached = this.cache.get(origin);
    if (cached && (!this.cookieRules || cached.jarVersion === this.jar.version)) return cached;
    const scoped: HeaderMap = lowerKeys(this.session.headers.origins[origin]);
    for (const rule of this.session.headers.rules) {
      if (!rule.origins.includes(origin)) continue;
      const value = this.ruleValue(rule);
      if (value !== undefined) scoped[rule.header.toLowerCase()] = rule.template.split('{value}').join(value);
    }
    const entry = { jarVersion: this.jar.version, headers: { ...this.base, ...scoped }, scoped: new Set(Object.keys(scoped)) };
    this.cache.set(origin, entry);
    return entry;
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

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
