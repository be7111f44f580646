/**
 * The one redaction layer. Every output path (inspect, request -v, errors, logs, --json) shows a
 * secret through these functions, so a cookie value or token never reaches a terminal or a log
 * unless the user asked for it with --reveal.
 */

import { plural } from './plural.js';

/** Headers whose values are credentials wherever they appear. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'x-xsrf-token',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
]);

export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || /(token|secret|api[-_]?key|session|auth|csrf|xsrf)/.test(lower);
}

export interface RedactHint {
  /** Unix seconds; shown so a redacted value still tells when it stops working. */
  expires?: number | null;
}

/** `[redacted 32 chars]`, or `[redacted 32 chars, expires 2026-11-25T10:00:00Z]`. */
export function redact(value: string, hint: RedactHint = {}): string {
  const parts = [plural(value.length, 'char')];
  if (hint.expires != null) parts.push(`expires ${new Date(hint.expires * 1000).toISOString()}`);
  return `[redacted ${parts.join(', ')}]`;
}

export function showValue(value: string, reveal: boolean, hint: RedactHint = {}): string {
  return reveal ? value : redact(value, hint);
}

/**
 * A header value as it may be printed: the scheme of an Authorization stays visible. Other headers
 * are scrubbed ({@link scrubText}): a server's answer may carry a token in a Location or echo
 * a cookie in a header of any name.
 */
export function redactHeader(name: string, value: string, reveal = false): string {
  if (reveal) return value;
  if (!isSecretHeader(name)) return scrubText(value);
  const lower = name.toLowerCase();
  if (lower === 'cookie') {
    return value
      .split(/;\s*/)
      .map((pair) => {
        const eq = pair.indexOf('=');
        return eq < 0 ? pair : `${pair.slice(0, eq)}=${redact(pair.slice(eq + 1))}`;
      })
      .join('; ');
  }
  if (lower === 'set-cookie') {
    const semi = value.indexOf(';');
    const first = semi < 0 ? value : value.slice(0, semi);
    const eq = first.indexOf('=');
    const rest = semi < 0 ? '' : value.slice(semi);
    return eq < 0 ? value : `${first.slice(0, eq)}=${redact(first.slice(eq + 1))}${rest}`;
  }
  const space = value.indexOf(' ');
  if ((lower === 'authorization' || lower === 'proxy-authorization') && space > 0) {
    return `${value.slice(0, space)} ${redact(value.slice(space + 1))}`;
  }
  return redact(value);
}

/**
 * Replaces every occurrence of the given secret strings in free text (error messages, causes, stack
 * traces). Short strings are skipped: redacting "1" would garble every message. Longest first, so a
 * secret that contains another is replaced whole.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  return replaceLongestFirst(text, longestFirst(secrets));
}

function longestFirst(secrets: Iterable<string>): string[] {
  return [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

function replaceLongestFirst(text: string, sorted: readonly string[]): string {
  let out = text;
  for (const secret of sorted) if (out.includes(secret)) out = out.split(secret).join(redact(secret));
  return out;
}

/**
 * The values this process knows as secrets (those of every session it loaded, saved or has open),
 * so text that did not come through redact() (a server's error answer, a Location it sent, a cause's
 * stack) is scrubbed before it is printed. Nothing here runs per request: loads and saves hand in
 * a thunk ({@link registerSecretsLater}), open clients a source ({@link watchSecrets}), and both are
 * asked only when text is scrubbed, which is when output is produced. A long-running client reloads
 * its session on every write-back and cookies rotate, so the registry keeps the most recently seen
 * values only (oldest forgotten first).
 */
export const SECRET_REGISTRY_LIMIT = 4096;
const registry = new Set<string>();
/** Thunks not yet asked; past this many the oldest is asked at once, so memory stays bounded. */
const PENDING_LIMIT = 64;
const pending: Array<() => Iterable<string>> = [];
/** Asked on every scrub; a source answering undefined is gone (its owner was collected) and dropped. */
export type SecretSource = () => Iterable<string> | undefined;
const sources = new Set<SecretSource>();
/** The registry longest first, kept until it changes (-v scrubs every line it prints). */
let sortedRegistry: string[] | undefined;

export function registerSecrets(values: Iterable<string>): void {
  for (const value of values) {
    if (value.length < 4) continue;
    sortedRegistry = undefined;
    registry.delete(value); // seen again: now the most recent
    registry.add(value);
    if (registry.size > SECRET_REGISTRY_LIMIT) registry.delete(registry.values().next().value as string);
  }
}

/** Registers the values `values()` gives, but only once some text is scrubbed. */
export function registerSecretsLater(values: () => Iterable<string>): void {
  pending.push(values);
  if (pending.length > PENDING_LIMIT) registerSecrets(pending.shift()!());
}

/**
 * Adds a source of secrets that change while it lives (an open session's rotating cookies); the
 * returned function removes it.
 */
export function watchSecrets(source: SecretSource): () => void {
  sources.add(source);
  return () => void sources.delete(source);
}

/** Every secret known now, longest first: the registry, with the pending thunks folded in, and each live source. */
function knownSecrets(): string[] {
  for (const values of pending.splice(0)) registerSecrets(values());
  sortedRegistry ??= longestFirst(registry);
  if (sources.size === 0) return sortedRegistry;
  const live: string[] = [];
  for (const source of sources) {
    const values = source();
    if (values === undefined) sources.delete(source);
    else live.push(...values);
  }
  return live.length === 0 ? sortedRegistry : longestFirst(new Set([...sortedRegistry, ...live]));
}

const nothingKnown = () => registry.size === 0 && pending.length === 0 && sources.size === 0;

/** `text` with every known secret replaced by its `[redacted N chars]` form. */
export function scrubRegistered(text: string): string {
  return nothingKnown() ? text : replaceLongestFirst(text, knownSecrets());
}

/**
 * `value` (what a command prints as JSON) with {@link scrubRegistered} applied to every string in
 * it, keys included: scrubbing the JSON text instead would miss a secret holding a `"` or `\`,
 * which JSON escapes.
 */
export function scrubRegisteredIn<T>(value: T): T {
  if (nothingKnown()) return value;
  const known = knownSecrets();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return replaceLongestFirst(v, known);
    if (depth > 64 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [replaceLongestFirst(key, known), walk(item, depth + 1)]));
  };
  return walk(value, 0) as T;
}

/** Query and form parameters that carry credentials: OAuth codes and tokens, SAML answers, passwords. */
const SECRET_PARAM = /^(code|sid|ticket|key|jwt|otp|assertion|samlresponse|samlart|password|passwd|pwd|client_secret|.*(token|secret|api[-_]?key|session|auth).*)$/i;
/** JSON fields that carry credentials (not `code`: in JSON that is mostly an error code). */
const SECRET_FIELD = /(token|secret|password|passwd|api[-_]?key|session|^sid$|^code_verifier$)/i;
// A value never starts with "[": what an earlier pattern already redacted is left as it is.
const COOKIE_LINE = /\b(set-cookie|cookie)(\s*:\s*)([^\r\n"]*)/gi;
// Only a value with a digit: "Bearer tokens expire" is prose, "Bearer gho_4f2a9c…" is not.
const AUTH_SCHEME = /\b(Bearer|bearer|Basic|Token|token)(\s+)(?=[A-Za-z0-9._~+/=-]*\d)([A-Za-z0-9._~+/=-]{8,})/g;
const JSON_FIELD = /("([\w.-]+)"\s*:\s*")((?:[^"\\]|\\.)*)"/g;
const PARAM = /(^|[?&#;\s,("'])([A-Za-z_][\w.-]*)=([^\s&#"'<>;,)[\]][^\s&#"'<>;,)]*)/g;
const JWT = /\beyJ[\w-]*\.[\w-]+\.[\w-]*/g;

/**
 * Hides credentials in text sessionjar did not write (a server's error answer, a URL it redirected
 * to), recognised by their shape: `Set-Cookie:` and `Cookie:` header lines, `Bearer …`/`token …`,
 * JSON fields and URL/form parameters named like tokens (`access_token`, `code`, `session`…), and
 * anything shaped like a JWT. For values this process does not know; {@link scrubRegistered}
 * covers those it does.
 */
export function scrubCredentials(text: string): string {
  return text
    .replace(COOKIE_LINE, (_all, name: string, sep: string, value: string) => `${name}${sep}${value.startsWith('[') ? value : redactHeader(name, value.trim())}`)
    .replace(AUTH_SCHEME, (_all, scheme: string, space: string, value: string) => `${scheme}${space}${redact(value)}`)
    .replace(JSON_FIELD, (all, head: string, name: string, value: string) => (SECRET_FIELD.test(name) && value !== '' && !value.startsWith('[') ? `${head}${redact(value)}"` : all))
    .replace(PARAM, (all, lead: string, name: string, value: string) => (SECRET_PARAM.test(name) ? `${lead}${name}=${redact(value)}` : all))
    .replace(JWT, (jwt) => redact(jwt));
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/g;

/**
 * `text` with the URLs in it scrubbed as {@link scrubText} scrubs (credential-shaped parameters,
 * JWTs): for messages sessionjar wrote around URLs a server chose (a redirect it refused), where
 * scrubbing the whole message would also hide the advice in it (`--header-rule X-XSRF-TOKEN=…`).
 *
 * @example
 * ```ts
 * scrubUrls('Redirect to https://app.example/cb?code=4f1a9c refused'); // '... ?code=[redacted 6 chars] refused'
 * ```
 */
export function scrubUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => scrubCredentials(url));
}

/**
 * Free text from outside (a server's answer, a URL it redirected to) as it may be printed: registered
 * secrets and credential shapes hidden, unless `reveal`.
 *
 * @example
 * ```ts
 * scrubText('/callback?code=4f1a9c&state=x'); // '/callback?code=[redacted 6 chars]&state=x'
 * ```
 */
export function scrubText(text: string, reveal = false): string {
  return reveal ? text : scrubCredentials(scrubRegistered(text));
}
