import type { Login } from './schema/index.js';
import { getJsonPath } from './json-path.js';
import { matchesUrlPattern } from './url-pattern.js';
import { compileUserRegex } from './user-regex.js';

/** What the client knows of a live response when it asks "does this mean we were logged out?". */
export interface ObservedResponse {
  status: number;
  /** Final URL, after any redirects the client followed. */
  url: string;
  /** Location of a 3xx the client did not follow. */
  location?: string;
  /** true when `url` was reached by following redirects (a direct request for the login page is not a sign). */
  redirected?: boolean;
  /** Body text; read it only when {@link needsBody} says the login block looks at bodies. */
  body?: string;
}

export const DEFAULT_LOGGED_OUT_STATUSES: readonly number[] = [401, 419, 440];

/** Whether the checks need the response body (a body regex or JSON path is configured). */
export function needsBody(login?: Login): boolean {
  return login?.loggedOut?.bodyRegex !== undefined || login?.loggedOut?.jsonPath !== undefined;
}

function resolve(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/**
 * A login page: same origin and path (any query) as `login.signInUrl` (where the password was
 * typed), or as `login.url` unless the login came back there (`returnsToUrl`: the start URL was a
 * protected page the app sends back to after signing in). A page of `/` is not used this way, or
 * every redirect to a home page would count as a logout.
 */
function loginPageOf(target: URL, login: Login): string | undefined {
  const pages: [string, string][] = [];
  if (login.signInUrl) pages.push(['sign-in', login.signInUrl]);
  if (!(login.signInUrl && login.returnsToUrl)) pages.push(['login', login.url]);
  for (const [kind, url] of pages) {
    const page = resolve(url, url);
    if (page !== undefined && page.pathname !== '/' && target.origin === page.origin && target.pathname === page.pathname) return kind;
  }
  return undefined;
}

/**
 * Why this response means the session is logged out, or undefined when it does not. Signals, any of
 * which is enough: a logged-out status (default 401, 419, 440; 403 only when the login block lists
 * it); a redirect to the login page or to a `loggedOut.redirectTo` pattern; a final URL matching
 * `loggedOut.urlPattern`; a body matching `loggedOut.bodyRegex`; a JSON body where
 * `loggedOut.jsonPath` is present.
 */
export function loggedOutReason(response: ObservedResponse, login?: Login): string | undefined {
  const rules = login?.loggedOut;
  const statuses = rules?.statuses ?? DEFAULT_LOGGED_OUT_STATUSES;
  if (statuses.includes(response.status)) return `status ${response.status}`;

  const targets: URL[] = [];
  if (response.location !== undefined && response.status >= 300 && response.status < 400) {
    const target = resolve(response.location, response.url);
    if (target) targets.push(target);
  }
  if (response.redirected) {
    const target = resolve(response.url, response.url);
    if (target) targets.push(target);
  }
  for (const target of targets) {
    const kind = login ? loginPageOf(target, login) : undefined;
    if (kind) return `redirect to the ${kind} page ${target.origin}${target.pathname}`;
    const pattern = rules?.redirectTo.find((p) => matchesUrlPattern(target.href, p));
    if (pattern !== undefined) return `redirect to ${target.origin}${target.pathname} (matches "${pattern}")`;
  }

  if (rules?.urlPattern !== undefined && matchesUrlPattern(response.url, rules.urlPattern)) {
    return `URL matches "${rules.urlPattern}"`;
  }
  if (response.body === undefined) return undefined;
  if (rules?.bodyRegex !== undefined && compileUserRegex(rules.bodyRegex)?.test(response.body)) {
    return `body matches /${rules.bodyRegex}/`;
  }
  if (rules?.jsonPath !== undefined) {
    const value = getJsonPath(parseJson(response.body), rules.jsonPath);
    if (value !== undefined && value !== null) return `JSON body has "${rules.jsonPath}"`;
  }
  return undefined;
}

export function isLoggedOut(response: ObservedResponse, login?: Login): boolean {
  return loggedOutReason(response, login) !== undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
