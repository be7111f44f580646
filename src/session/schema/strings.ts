import { z } from 'zod';
import { COOKIE_DOMAIN, COOKIE_NAME, COOKIE_PATH, COOKIE_VALUE, HEADER_NAME, HEADER_VALUE, PLAIN_TEXT } from './string-rules.js';
import { jsonPathProblem } from '../json-path.js';
import { urlPatternProblem } from '../url-pattern.js';
import { userRegexProblem } from '../user-regex.js';

/**
 * String fields with rules of their own, so that a hostile file is refused when it is loaded (with
 * the JSON path of the field) instead of hurting later: control characters that would split a
 * header or reach a terminal, JSON paths into Object.prototype, patterns that backtrack forever.
 */

/** RFC 6265 cookie values as browsers store them: no control characters (CR/LF among them) and no `;`. */
export const CookieValue = z.string().regex(COOKIE_VALUE, 'must not contain control characters (such as CR or LF) or ";"');
/**
 * Cookie names as browsers accept them (RFC 6265bis): no control characters, `;` or `=`. Stricter
 * RFC tokens would refuse names real sites set and Chromium stores, such as PHP's `cart[1]`.
 */
export const CookieName = z.string().regex(COOKIE_NAME, 'must not contain control characters (such as CR or LF), ";" or "="');
export const CookieDomain = z.string().min(1).regex(COOKIE_DOMAIN, 'must be a host or domain name: no spaces, control characters or ";,/\\"');
export const CookiePath = z.string().regex(COOKIE_PATH, 'must start with "/" and not contain control characters (such as CR or LF) or ";"');
/** Text without control characters, e.g. a cookie's partition key. */
export const PlainText = z.string().regex(PLAIN_TEXT, 'must not contain control characters (such as CR or LF)');
/** RFC 9110 field values: visible characters, spaces and tabs; CR or LF would inject a header. */
export const HeaderValue = z.string().regex(HEADER_VALUE, 'must not contain control characters (such as CR or LF): a header value is one line');

const TOKEN_CHARS = "letters, digits and !#$%&'*+-.^_`|~ only";
/** RFC 9110 field names (tokens). */
export const HeaderName = z.string().regex(HEADER_NAME, `must be an HTTP header name: ${TOKEN_CHARS}`);
/** Header name → value, with the same rules (a record reports a bad key as such). */
export const HeaderMapSchema = z.record(HeaderName, HeaderValue, {
  error: (issue) => (issue.code === 'invalid_key' ? `not an HTTP header name: ${TOKEN_CHARS}` : undefined),
});

function refusing(problem: (value: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  };
}

/** A dot path into JSON (`auth.access_token`); no segment may be `__proto__`, `constructor` or `prototype`. */
export const JsonPath = z.string().superRefine(refusing(jsonPathProblem));
/** A glob (`**\/login*`) or `/regex/flags` URL pattern; see docs/session-format.md, "Patterns". */
export const UrlPattern = z.string().min(1).superRefine(refusing(urlPatternProblem)).describe('Glob (`**/login*`) or /regex/.');
/** A regular expression's source, run as src/session/user-regex.ts decides. */
export const BodyRegex = z.string().superRefine(refusing((source) => userRegexProblem(source)));
