import { SessionjarError } from '../../core/errors.js';
import type { Cookie, Session } from '../schema/index.js';
import { addStateLosses } from './common.js';
import { LossCollector, type Conversion } from './report.js';

/** RFC 6265 §5.1.3. IP addresses only match themselves. */
export function domainMatches(host: string, cookie: Pick<Cookie, 'domain' | 'hostOnly'>): boolean {
  const h = host.toLowerCase();
  const d = cookie.domain.toLowerCase();
  if (h === d) return true;
  if (cookie.hostOnly || isIpAddress(h)) return false;
  return h.endsWith(`.${d}`);
}

/** RFC 6265 §5.1.4. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * The cookies a user agent would send to `url` (RFC 6265 §5.4): domain, path, Secure and expiry
 * checked; longer paths first, then the earlier set. A partitioned cookie goes only to its own
 * top-level site, since this request is a top-level one.
 */
export function cookiesFor(cookies: Cookie[], url: URL, nowSeconds: number): Cookie[] {
  const secureScheme = url.protocol === 'https:' || url.protocol === 'wss:';
  const path = url.pathname || '/';
  return cookies
    .filter(
      (c) =>
        domainMatches(url.hostname, c) &&
        pathMatches(path, c.path) &&
        (!c.secure || secureScheme) &&
        (c.expires === null || c.expires > nowSeconds) &&
        (c.partitionKey === undefined || sameTopLevelSite(c.partitionKey, url)),
    )
    .sort((a, b) => b.path.length - a.path.length || (a.setAt ?? 0) - (b.setAt ?? 0));
}

/** A `Cookie:` header value for `url`; everything that does not fit a header is reported. */
export function toCookieHeader(session: Session, options: { url?: string; now?: Date }): Conversion<string> {
  if (!options.url) {
    throw new SessionjarError('USAGE', '--url is required with --to cookie-header: a Cookie header depends on the URL it is sent to.');
  }
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new SessionjarError('USAGE', `--url: "${options.url}" is not a valid URL; give one such as https://example.com/api.`);
  }
  const now = (options.now ?? new Date()).getTime() / 1000;
  const sent = cookiesFor(session.cookies, url, now);
  const losses = new LossCollector();
  losses.add('cookies', session.cookies.length - sent.length, `not sent to ${url.origin}${url.pathname} (other domain or path, Secure over http, expired)`);
  losses.add('cookie attributes', sent.length, 'a Cookie header holds only name=value: domain, path, expiry and flags are dropped');
  addStateLosses(losses, session);
  const header = sent.map((c) => (c.name === '' ? c.value : `${c.name}=${c.value}`)).join('; ');
  return { result: header, report: losses.report() };
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[') || host.includes(':');
}

/** Compares schemes and hosts loosely: without a public-suffix list a site is its host or a parent of it. */
function sameTopLevelSite(partitionKey: string, url: URL): boolean {
  try {
    const site = new URL(partitionKey);
    const host = url.hostname.toLowerCase();
    const siteHost = site.hostname.toLowerCase();
    return site.protocol === url.protocol && (host === siteHost || host.endsWith(`.${siteHost}`));
  } catch {
    return false;
  }
}
