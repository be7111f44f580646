import { isSecretHeader } from '../core/redact.js';

/** Headers that carry credentials: never sent across origins or on an https → http downgrade. */
export function isCredentialHeader(name: string): boolean {
  return isSecretHeader(name);
}

/**
 * Whether a request's own headers take the session's credentials out of it: `cookie: null` (no
 * session cookies), or an Authorization, API key or other credential header removed or replaced.
 * A Cookie value is not: the session's cookies are still sent after it.
 */
export function replacesCredentials(headers: Record<string, string | null>): boolean {
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'cookie' ? headers[name] === null : isCredentialHeader(lower)) return true;
  }
  return false;
}
