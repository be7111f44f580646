/**
 * The one redaction layer. Every output path (inspect, request -v, errors, logs, --json) shows a
 * secret through these functions, so a cookie value or token never reaches a terminal or a log
 * unless the user asked for it with --reveal.
 */

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
  return SECRET_HEADERS.has(lower) || /(token|secret|api[-_]?key|session|auth)/.test(lower);
}

export interface RedactHint {
  /** Unix seconds; shown so a redacted value still tells when it stops working. */
  expires?: number | null;
}

/** `[redacted 32 chars]`, or `[redacted 32 chars, expires 2026-11-25T10:00:00Z]`. */
export function redact(value: string, hint: RedactHint = {}): string {
  const parts = [`${value.length} chars`];
  if (hint.expires != null) parts.push(`expires ${new Date(hint.expires * 1000).toISOString()}`);
  return `[redacted ${parts.join(', ')}]`;
}

export function showValue(value: string, reveal: boolean, hint: RedactHint = {}): string {
  return reveal ? value : redact(value, hint);
}

/**
 * A header value as it may be printed: the scheme of an Authorization stays visible. Other headers
 * are scrubbed ({@link scrubPrintable}): a server's answer may carry a token in a Location or echo
 * a cookie in a header of any name.
 */
export function redactHeader(name: string, value: string, reveal = false): string {
  if (reveal) return value;
  if (!isSecretHeader(name)) return scrubPrintable(value);
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
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < 4) continue;
    out = out.split(secret).join(redact(secret));
  }
  return out;
}

/** URL parameters whose values are credentials: OAuth/OIDC codes and tokens, CAS tickets, SAML, magic links. */
const CREDENTIAL_PARAM = /^(code|ticket|sid|key|jwt|assertion|otp|passwd|pwd|samlresponse|samlart)$|token|secret|api[-_]?key|session|auth|password/i;
/** `?name=value`, `&name=value`, `#name=value`, `;name=value` in a URL or a header that holds one. */
const PARAM = /([?&#;])([^=&#;\s"'<>]+)=([^&#;\s"'<>]*)/g;
/** Three base64url parts, the first a JSON header: a JWT wherever it appears. */
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/**
 * Text from a server or a URL as it may be printed: secrets this process knows (see
 * {@link registerSecrets}), JWTs, and the values of credential parameters in URLs (`?code=`,
 * `#access_token=`, `ticket=`) redacted.
 *
 * @example
 * ```ts
 * scrubPrintable('/callback?code=4f1a9c&state=x'); // '/callback?code=[redacted 6 chars]&state=x'
 * ```
 */
export function scrubPrintable(text: string): string {
  return scrubRegistered(text)
    .replace(JWT, (jwt) => redact(jwt))
    .replace(PARAM, (whole, sep: string, name: string, value: string) =>
      value !== '' && !value.startsWith('[redacted') && CREDENTIAL_PARAM.test(name) ? `${sep}${name}=${redact(value)}` : whole,
    );
}

/**
 * Secret values this process has seen (the store registers those of every session it loads), so
 * text that did not come through redact() (an error from a server, a cause's stack) is scrubbed
 * before it is printed. A long-running client reloads its session on every write-back and cookies
 * rotate, so the registry keeps the most recently seen values only (oldest forgotten first).
 */
export const SECRET_REGISTRY_LIMIT = 4096;
const registry = new Set<string>();

export function registerSecrets(values: Iterable<string>): void {
  for (const value of values) {
    if (value.length < 4) continue;
    registry.delete(value); // seen again: now the most recent
    registry.add(value);
    if (registry.size > SECRET_REGISTRY_LIMIT) registry.delete(registry.values().next().value as string);
  }
}

/** `text` with every registered secret replaced by its `[redacted N chars]` form. */
export function scrubRegistered(text: string): string {
  return registry.size === 0 ? text : scrubSecrets(text, registry);
}
