import { createHmac, timingSafeEqual } from 'node:crypto';

/** Just enough JWT (RFC 7519, HS256) for the demo SPA's access tokens. */

export type Claims = Record<string, unknown> & { exp?: number };

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(input: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(input).digest();
}

export function signJwt(claims: Claims, key: Buffer): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign(input, key).toString('base64url')}`;
}

/** The claims when the signature holds and `exp` (seconds) has not passed; else undefined. */
export function verifyJwt(token: string, key: Buffer, nowMs = Date.now()): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = sign(`${header}.${payload}`, key);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
    if (typeof claims.exp !== 'number' || nowMs / 1000 >= claims.exp) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
