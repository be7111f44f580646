import type { Session } from '../session/schema/index.js';

/**
 * The headers replay treats as credentials wherever a session is used: never sent to another
 * origin than the one asked for (nor on an https → http hop), and a request that sets or removes
 * one is not "the session's own" (its answer never triggers a re-login). Documented in the README
 * ("Headers sent"); redaction (core/redact.ts) is broader on purpose: it hides anything that looks
 * secret, while this list decides where headers go, so `X-Author` or `X-Session-Locale` is not one.
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** CSRF tokens in any spelling: X-CSRF-Token, X-XSRF-TOKEN, X-CSRFToken (Django), CSRF-Token. */
const CSRF = /(?:^|-)[cx]srf(?:-?token)?$/;

/**
 * The credential headers of one session: the fixed list, CSRF tokens, and the names of the
 * session's own per-origin and rule headers (whatever they are called: they were recorded or
 * configured as credentials).
 *
 * @example
 * ```ts
 * const credentials = new CredentialHeaders(session);
 * credentials.has('authorization'); // true
 * credentials.has('x-session-locale'); // false
 * ```
 */
export class CredentialHeaders {
  private readonly own = new Set<string>();

  constructor(session: Session) {
    for (const headers of Object.values(session.headers.origins)) {
      for (const name of Object.keys(headers)) this.own.add(name.toLowerCase());
    }
    for (const rule of session.headers.rules) this.own.add(rule.header.toLowerCase());
  }

  /** `name` lower-cased. */
  has(name: string): boolean {
    return CREDENTIAL_HEADERS.has(name) || this.own.has(name) || CSRF.test(name);
  }

  /**
   * Whether a request's own headers take the session's credentials out of it: `cookie: null` (no
   * session cookies), or a credential header removed or replaced. A Cookie value is not: the
   * session's cookies are still sent after it.
   */
  replacedBy(headers: Record<string, string | null>): boolean {
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (lower === 'cookie' ? headers[name] === null : this.has(lower)) return true;
    }
    return false;
  }
}
