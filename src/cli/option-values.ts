import type { Command } from 'commander';
import { SessionjarError } from '../core/errors.js';
import type { PickStrategy } from '../pool/types.js';
import { jsonPathProblem } from '../session/json-path.js';
import type { LoggedOut, Probe } from '../session/schema/index.js';
import { HEADER_NAME, HEADER_VALUE } from '../session/schema/string-rules.js';
import { urlPatternProblem } from '../session/url-pattern.js';
import { compileUserRegex, userRegexProblem } from '../session/user-regex.js';

/**
 * The one parser of the option values that commands share (`record` and `edit` both take --probe and
 * the --logged-out-* options; statuses, URLs, origins, header names, patterns and dot paths recur).
 * A bad value is refused the same way whichever command it is given to: a USAGE error (exit 2) that
 * names the option, quotes the value and says what to give, before anything is opened or written.
 */

function usage(option: string, message: string): SessionjarError {
  return new SessionjarError('USAGE', `${option}: ${message}`);
}

export function nonEmpty(value: string, option: string): string {
  if (value.trim() === '') throw usage(option, 'give a non-empty value.');
  return value;
}

/**
 * `401,403` → [401, 403]. A status is three digits, 100-599, as on the status line: `0401` or `4011`
 * is refused rather than read as 401 (a typo there would silently change what counts as logged out).
 */
export function httpStatuses(value: string, option: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const bad = parts.find((p) => !/^[1-5]\d\d$/.test(p));
  if (bad !== undefined) {
    const which = parts.length > 1 ? `"${bad}" in "${value}"` : `"${value}"`;
    throw usage(option, `${which} is not an HTTP status; give three-digit statuses from 100 to 599, comma-separated, like 401,403.`);
  }
  return parts.map(Number);
}

export function absoluteUrl(value: string, option: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // reported below
  }
  throw usage(option, `"${value}" is not an absolute http(s) URL; give one like https://app.example/api/me.`);
}

/** `https://app.example` or `https://app.example/`; a path is refused, as headers are bound to whole origins. */
export function originOf(value: string, option: string): string {
  const url = new URL(absoluteUrl(value, option));
  if (url.pathname !== '/' || url.search || url.hash) {
    throw usage(option, `"${value}" has a path; give an origin such as ${url.origin} (headers are bound to whole origins).`);
  }
  return url.origin;
}

/** The jar owns Cookie; the transport owns the rest. */
const NOT_SETTABLE = new Set(['cookie', 'host', 'content-length', 'transfer-encoding', 'connection']);

/** Why `name` cannot be a header a session keeps; undefined when it can. */
export function headerNameProblem(name: string): string | undefined {
  if (!HEADER_NAME.test(name)) return 'is not a header name';
  if (NOT_SETTABLE.has(name.toLowerCase())) return `is not a header a session keeps${name.toLowerCase() === 'cookie' ? ' (cookies live in the jar: import or record them)' : ''}`;
  return undefined;
}

export function headerName(value: string, option: string): string {
  const trimmed = value.trim();
  const problem = headerNameProblem(trimmed);
  if (problem) throw usage(option, `"${value}" ${problem}.`);
  return trimmed;
}

/** A header value is one line: CR or LF would start another header. Not quoted: it may be a credential. */
export function headerValue(value: string, name: string, option: string): string {
  if (!HEADER_VALUE.test(value)) throw usage(option, `the value of ${name} has control characters (such as CR or LF); a header value is one line.`);
  return value;
}

/** A glob (`**\/login*`) or `/regex/flags`, as the session file's URL patterns. */
export function urlPattern(value: string, option: string): string {
  const problem = urlPatternProblem(nonEmpty(value, option));
  if (problem) throw usage(option, `"${value}" cannot be used: ${problem}. See "Patterns" in docs/session-format.md.`);
  return value;
}

/** A regular expression's source, run as src/session/user-regex.ts decides. */
export function bodyRegex(value: string, option: string): string {
  const problem = userRegexProblem(nonEmpty(value, option));
  if (problem) throw usage(option, `"${value}" cannot be used: ${problem}. See "Patterns" in docs/session-format.md.`);
  return value;
}

/** A regular expression given as its source or as `/source/flags` (`/captcha/i`), compiled. */
export function bodyRegExp(value: string, option: string): RegExp {
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(value);
  const [source, flags] = slashed ? [slashed[1] as string, slashed[2] as string] : [value, ''];
  const problem = userRegexProblem(nonEmpty(source, option), flags);
  if (problem) throw usage(option, `"${value}" cannot be used: ${problem}. See "Patterns" in docs/session-format.md.`);
  return compileUserRegex(source, flags) as RegExp;
}

const PICKS: Record<string, PickStrategy> = {
  'round-robin': 'round-robin',
  lru: 'least-recently-used',
  'least-recently-used': 'least-recently-used',
  'until-failure': 'use-until-failure',
  'use-until-failure': 'use-until-failure',
};

/** `lru` → least-recently-used; a pool's pick strategy by its short or full name. */
export function pickStrategy(value: string, option: string): PickStrategy {
  const pick = Object.hasOwn(PICKS, value) ? PICKS[value] : undefined;
  if (pick === undefined) throw usage(option, `"${value}" is not a pick strategy; give round-robin, lru or until-failure.`);
  return pick;
}

/** A dot path into JSON (`error.code`), as the session file's: no segment into Object.prototype. */
export function jsonPath(value: string, option: string): string {
  const problem = jsonPathProblem(nonEmpty(value, option));
  if (problem) throw usage(option, `"${value}" cannot be used: ${problem}; give a dot path such as error.code.`);
  return value;
}

/** A probe to store: GET or HEAD only, since a probe must not change anything. */
export function probeFrom(url: string, method = 'GET'): Probe {
  const upper = method.toUpperCase();
  if (upper !== 'GET' && upper !== 'HEAD') throw usage('--probe-method', `"${method}" is not GET or HEAD (a probe must not change anything).`);
  return { url: absoluteUrl(url, '--probe'), method: upper, expect: {} };
}

/** The --logged-out-* options, as commander hands them over. */
export interface LoggedOutRaw {
  loggedOutStatus?: string;
  loggedOutUrl?: string;
  loggedOutBodyRegex?: string;
  loggedOutJsonPath?: string;
}

/** The --logged-out-* options as a partial login.loggedOut block, only the fields given; undefined when none is. */
export function loggedOutFrom(raw: LoggedOutRaw): Partial<LoggedOut> | undefined {
  const out = {
    ...(raw.loggedOutStatus !== undefined ? { statuses: httpStatuses(raw.loggedOutStatus, '--logged-out-status') } : {}),
    ...(raw.loggedOutUrl !== undefined ? { urlPattern: urlPattern(raw.loggedOutUrl, '--logged-out-url') } : {}),
    ...(raw.loggedOutBodyRegex !== undefined ? { bodyRegex: bodyRegex(raw.loggedOutBodyRegex, '--logged-out-body-regex') } : {}),
    ...(raw.loggedOutJsonPath !== undefined ? { jsonPath: jsonPath(raw.loggedOutJsonPath, '--logged-out-json-path') } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The --logged-out-* options, worded the same for every command that takes them. */
export function addLoggedOutOptions(command: Command): Command {
  return command
    .option('--logged-out-status <codes>', 'comma-separated statuses that mean logged out (default 401,419,440; replaces the list)')
    .option('--logged-out-url <pattern>', 'logged out when the final URL matches this glob or /regex/')
    .option('--logged-out-body-regex <regex>', 'logged out when a text, HTML or JSON body matches (an app that answers 200 with a sign-in page)')
    .option('--logged-out-json-path <path>', 'logged out when this dot path is present in a JSON body (e.g. error.code)');
}

/** Seconds > 0 (`--timeout 2.5`). */
export function positiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new SessionjarError('USAGE', `${option}: "${value}" is not a positive number of seconds, e.g. 30 or 2.5.`);
  return n;
}

/** Seconds ≥ 0 (`--margin 0`). */
export function seconds(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new SessionjarError('USAGE', `${option}: "${value}" is not a number of seconds ≥ 0, e.g. 60.`);
  return n;
}

/** A whole number ≥ 0 (`--max-redirects`). */
export function count(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new SessionjarError('USAGE', `${option}: "${value}" is not a whole number ≥ 0.`);
  return n;
}

/** A whole number of bytes ≥ 1 (`--max-header-size`). */
export function bytes(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) throw new SessionjarError('USAGE', `${option}: "${value}" is not a whole number of bytes ≥ 1, e.g. 524288.`);
  return n;
}
