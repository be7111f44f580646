import type { Session } from '../../session/schema/index.js';
import { isTrustworthy } from '../cookie-headers.js';
import type { LiveSession } from '../live-session.js';
import type { CallerHeaders, HeaderMap, Hop } from '../types.js';

/** Bounds the cache of built headers (one entry per origin). */
const MAX_CACHED = 500;

/**
 * The headers of one hop: the session's for the origin (see headers.ts), the request's own over
 * them, and the jar's Cookie header, with credentials left out of a hop that left the origin asked
 * for or went from https to http.
 *
 * @example
 * ```ts
 * const assembly = new RequestHeaders(live);
 * assembly.forHop(hop, false, false, undefined); // { 'user-agent': …, cookie: 'sid=…' }
 * ```
 */
export class RequestHeaders {
  private readonly built = new Map<string, BuiltHeaders>();

  constructor(private readonly live: LiveSession) {}

  forHop(hop: Hop, crossed: boolean, downgraded: boolean, callerHeaders: CallerHeaders | undefined): HeaderMap {
    const safe = crossed || downgraded;
    if (!safe && callerHeaders === undefined) return this.plain(hop);
    const { policy, jar } = this.live;
    const base = safe ? policy.forRedirect(hop.origin, downgraded) : policy.forOrigin(hop.origin);
    const headers: HeaderMap = { ...base };
    if (callerHeaders !== undefined) {
      for (const name of Object.keys(callerHeaders)) {
        const value = callerHeaders[name];
        if (value === null) delete headers[name];
        else if (!safe || !policy.credentials.has(name)) headers[name] = value as string;
      }
      if (callerHeaders.cookie === null) return headers;
    }
    const jarCookies = jar.cookieHeader(hop, !downgraded);
    const own = headers.cookie;
    if (jarCookies !== '') headers.cookie = own ? `${own}; ${jarCookies}` : jarCookies;
    return headers;
  }

  /**
   * The common case (no per-request headers, the origin asked for), cached per origin, so a crawl
   * (a new path every request) costs what one URL does: the same headers object while the origin's
   * headers and the jar's Cookie header come out the same strings. While no cookie and no session
   * state changed, the same hop again is a hit and a new path asks the jar for its Cookie header
   * alone (cached by which cookie paths match, see cookie-headers.ts); nothing is stored unless
   * something changed, so a crawl leaves the cache as it found it.
   */
  private plain(hop: Hop): HeaderMap {
    const { jar, policy, state } = this.live;
    jar.expireDue();
    const version = jar.version;
    const cached = this.built.get(hop.origin);
    if (cached !== undefined && cached.version === version && cached.state === state) {
      if (cached.hop === hop) return cached.headers;
      const cookie = jar.checkedCookieHeader(hop, cached.secure);
      if (cookie === cached.cookie) return cached.headers;
      cached.cookie = cookie;
      cached.headers = withCookie(cached.base, cookie);
      cached.hop = hop;
      return cached.headers;
    }
    const secure = cached?.secure ?? isTrustworthy(hop);
    const base = policy.forOrigin(hop.origin);
    const cookie = jar.checkedCookieHeader(hop, secure);
    if (cached === undefined) {
      const headers = withCookie(base, cookie);
      if (this.built.size >= MAX_CACHED) this.built.clear();
      this.built.set(hop.origin, { hop, secure, base, cookie, headers, version, state });
      return headers;
    }
    if (cached.base !== base || cached.cookie !== cookie) {
      cached.base = base;
      cached.cookie = cookie;
      cached.headers = withCookie(base, cookie);
    }
    cached.hop = hop;
    cached.version = version;
    cached.state = state;
    return cached.headers;
  }
}

function withCookie(base: HeaderMap, cookie: string): HeaderMap {
  return cookie === '' ? base : { ...base, cookie: base.cookie ? `${base.cookie}; ${cookie}` : cookie };
}

/** The headers last built for an origin, with what they were built from and when last checked. */
interface BuiltHeaders {
  /** The hop they were last found current for (the origin is the cache's key). */
  hop: Hop;
  /** Whether Secure cookies may go to the origin. */
  secure: boolean;
  base: HeaderMap;
  cookie: string;
  headers: HeaderMap;
  /** The jar version and session state they were last found current at. */
  version: number;
  state: Session;
}
