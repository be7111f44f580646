import type { Session } from '../../session/schema/index.js';
import { isCredentialHeader } from '../credential-headers.js';
import type { LiveSession } from '../live-session.js';
import type { CallerHeaders, HeaderMap, Hop } from '../types.js';

/** Bounds the cache of built headers. */
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
        else if (!safe || !isCredentialHeader(name)) headers[name] = value as string;
      }
      if (callerHeaders.cookie === null) return headers;
    }
    const jarCookies = jar.cookieHeader(hop.url, !downgraded);
    const own = headers.cookie;
    if (jarCookies !== '') headers.cookie = own ? `${own}; ${jarCookies}` : jarCookies;
    return headers;
  }

  /**
   * The common case (no per-request headers, the origin asked for): the same headers object while
   * no cookie changed (nor the session state the origin's headers come from), and while the
   * origin's headers and the Cookie header come out the same strings after a change, so an
   * unchanged session costs a lookup per request, not an object build.
   */
  private plain({ url, origin, key }: Hop): HeaderMap {
    const { jar, policy, state } = this.live;
    jar.expireDue();
    const cached = this.built.get(key);
    const version = jar.version;
    if (cached && cached.version === version && cached.state === state) return cached.headers;
    const base = policy.forOrigin(origin);
    const cookie = jar.cookieHeader(url, true, key);
    if (cached && cached.base === base && cached.cookie === cookie) {
      cached.version = version;
      cached.state = state;
      return cached.headers;
    }
    const headers = cookie === '' ? base : { ...base, cookie: base.cookie ? `${base.cookie}; ${cookie}` : cookie };
    if (this.built.size >= MAX_CACHED) this.built.clear();
    this.built.set(key, { base, cookie, headers, version, state });
    return headers;
  }
}

/** Headers built for a URL, with what they were built from and when they were last checked. */
interface BuiltHeaders {
  base: HeaderMap;
  cookie: string;
  headers: HeaderMap;
  /** The jar version and session state the headers were last found current at. */
  version: number;
  state: Session;
}
