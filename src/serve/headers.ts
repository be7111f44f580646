import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** The header a caller sends the gateway's token in (also accepted: Basic userinfo, as a password). */
export const TOKEN_HEADER = 'X-Sessionjar-Token';
/** Why the gateway answered itself (401, 403, 502...): a short reason, nothing secret. */
export const ERROR_HEADER = 'X-Sessionjar-Error';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1 and the old proxy ones) belong to one connection: never
 * forwarded either way. `expect` too: node answers 100-continue itself, undici refuses the header.
 */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'http2-settings', 'expect', 'host',
]);

const NONE: ReadonlySet<string> = new Set();

/** The names a Connection header lists are hop-by-hop as well. */
function connectionListed(value: string | string[] | undefined): ReadonlySet<string> {
  // Most requests and answers have none, or keep-alive alone: no Set to build per request.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(text.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
}

/** Basic credentials (`user:password` in the URL, curl -u, requests' auth=) carrying the token. */
export function basicCarriesToken(value: string | undefined, matches: (candidate: string) => boolean): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=._-]+)\s*$/i.exec(value ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && (matches(decoded.slice(colon + 1)) || matches(decoded.slice(0, colon)));
}

export interface RequestHeaderPlan {
  /** Lower-case names of the session's recorded defaults (User-Agent...): they win over a tool's own. */
  sessionDefaults: Set<string>;
  /** The gateway's own origin ('' on a unix socket) and the target's, for Referer. */
  local: string;
  target: string;
  /** The token, to drop Basic credentials that only carry it. */
  isToken: (candidate: string) => boolean;
  /** Keep Upgrade and Connection (a WebSocket handshake). */
  upgrade?: boolean;
}

/**
 * The caller's headers as the target should see them: hop-by-hop and the gateway's own headers
 * dropped, the token's Basic credentials dropped, Referer pointed at the target. Host comes from
 * the target URL; the session's cookies are added after the caller's by the client.
 */
export function forwardHeaders(headers: IncomingHttpHeaders, plan: RequestHeaderPlan): Record<string, string> {
  const listed = connectionListed(headers.connection);
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || name.startsWith('x-sessionjar-') || plan.sessionDefaults.has(name)) continue;
    if (plan.upgrade && (name === 'upgrade' || name === 'connection')) {
      out[name] = name === 'connection' ? 'Upgrade' : String(value);
      continue;
    }
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (name === 'authorization' && basicCarriesToken(String(value), plan.isToken)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const referer = out.referer;
  if (referer !== undefined && plan.local !== '' && (referer === plan.local || referer.startsWith(`${plan.local}/`))) {
    out.referer = plan.target + referer.slice(plan.local.length);
  }
  return out;
}

export interface ResponseHeaderPlan {
  /** Target origin → its local URL, for Location. */
  locals: Map<string, string>;
  /** The URL that answered, to resolve a relative Location against. */
  url: string;
  passCookies: boolean;
  /** The client decoded the body (gzip, deflate, br): its length and encoding no longer hold. */
  decoded: boolean;
}

/**
 * The target's headers as the caller should see them: hop-by-hop dropped; every
 * `Access-Control-*` dropped (a target's `Access-Control-Allow-Origin: *` would let any web page
 * read authenticated answers); Set-Cookie kept by the gateway (passed too with --pass-cookies);
 * a Location at a target rewritten to the gateway's URL for it.
 */
export function answerHeaders(headers: Record<string, string | string[]>, plan: ResponseHeaderPlan): OutgoingHttpHeaders {
  const listed = connectionListed(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name of Object.keys(headers)) {
    if (HOP_BY_HOP.has(name) || listed.has(name) || name.startsWith('access-control-') || name === 'alt-svc') continue;
    if (name === 'set-cookie' && !plan.passCookies) continue;
    if (plan.decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    out[name] = headers[name];
  }
  const location = headers.location;
  if (typeof location === 'string') out.location = localLocation(location, plan.url, plan.locals);
  return out;
}

/** An absolute Location at one of the targets, as the gateway's URL for it; anything else unchanged. */
export function localLocation(location: string, base: string, locals: Map<string, string>): string {
  if (!/^[a-z][a-z0-9+.-]*:|^\/\//i.test(location)) return location;
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    return location;
  }
  const local = locals.get(url.origin);
  return local === undefined ? location : local + url.pathname + url.search + url.hash;
}

const DECODED = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/**
 * Whether the replay client hands this body over decoded: it decodes as fetch does (gzip, deflate,
 * br, up to five in a row) and leaves any other coding alone. A test holds the two together.
 */
export function clientDecodes(contentEncoding: string | string[] | undefined, status: number, method: string): boolean {
  if (contentEncoding === undefined || method === 'HEAD' || status === 204 || status === 304 || status < 200) return false;
  const codings = String(contentEncoding).toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  return codings.length > 0 && codings.length <= 5 && codings.every((c) => DECODED.has(c));
}

/** A header value made of any text: printable ASCII on one line, not too long. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 400);
}
