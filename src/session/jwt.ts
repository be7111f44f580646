/**
 * Reads a JWT's payload without verifying it: sessionjar only wants to know when a token it holds
 * stops working, never to trust what it says. Anything that is not a well-formed JWT (an opaque
 * token, garbage, a truncated value) yields undefined instead of an error.
 */

const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;

/**
 * Above this an `exp` is taken for milliseconds by mistake (1e11 seconds is the year 5138). Such a
 * value is not converted: a server that writes milliseconds may mean anything, so the expiry is
 * reported unknown rather than guessed.
 */
const MAX_EXP_SECONDS = 1e11;

/** Strips a leading auth scheme ("Bearer ", "JWT ") so header values can be passed as they are. */
function bareToken(value: string): string {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  return space > 0 ? trimmed.slice(space + 1).trim() : trimmed;
}

export function looksLikeJwt(value: string): boolean {
  return JWT_SHAPE.test(bareToken(value));
}

/** The decoded payload object, or undefined for anything that is not a JWT with a JSON object payload. */
export function decodeJwtPayload(value: string): Record<string, unknown> | undefined {
  const token = bareToken(value);
  if (!JWT_SHAPE.test(token)) return undefined;
  const [, payload] = token.split('.');
  try {
    const json: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `exp` in Unix seconds, or undefined when missing, not a finite positive number, or in milliseconds. */
export function jwtExpiry(value: string): number | undefined {
  const exp = decodeJwtPayload(value)?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0 || exp > MAX_EXP_SECONDS) return undefined;
  return exp;
}

/** `iat` (issued at) in Unix seconds, under the same rules as {@link jwtExpiry}. */
export function jwtIssuedAt(value: string): number | undefined {
  const iat = decodeJwtPayload(value)?.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat) || iat <= 0 || iat > MAX_EXP_SECONDS) return undefined;
  return iat;
}
