import type { Cookie, Session, StateRef } from './schema/index.js';
import { readStateRef } from './state-ref.js';

/** Cookies of analytics and bot-detection scripts: short-lived, but never what keeps a login alive. */
const NOISE_COOKIE = /^(_ga|_gid|_gat|__utm|_fbp|_hj|__cf_bm|cf_clearance|_dd_s|AWSALB|AWSELB|__stripe)/i;
const AUTH_COOKIE = /(sess|sid|auth|token|jwt|login|remember|identity|sso|saml|oidc|user)/i;

/** A cookie that may carry a login, judged by name and flags alone (while recording, before any file says). */
export function looksLikeAuthCookie(name: string, httpOnly: boolean): boolean {
  return !NOISE_COOKIE.test(name) && (httpOnly || AUTH_COOKIE.test(name));
}

/**
 * Names of cookies the file itself marks as credentials: the login's success cookie, cookies that
 * hold a recorded JWT or the OAuth refresh token. (Header-rule cookies are left out: those are
 * usually CSRF tokens, which say nothing about the login.)
 */
function namedAuthCookies(session: Session): Set<string> {
  const refs: StateRef[] = [
    ...(session.tokens?.jwts ?? []).flatMap((j) => ('header' in j.from ? [] : [j.from])),
    ...(session.tokens?.oauth ? [session.tokens.oauth.refreshToken] : []),
  ];
  const names = new Set(refs.flatMap((r) => ('cookie' in r ? [r.cookie] : [])));
  if (session.login?.success?.cookie) names.add(session.login.success.cookie);
  return names;
}

/**
 * The cookies that carry the login: those the file names when any is in the jar; else those whose
 * name says session/auth; else every cookie but known analytics ones.
 */
export function authCookies(session: Session): Cookie[] {
  const named = namedAuthCookies(session);
  const byName = session.cookies.filter((c) => named.has(c.name));
  if (byName.length > 0) return byName;
  const authish = session.cookies.filter((c) => AUTH_COOKIE.test(c.name) && !NOISE_COOKIE.test(c.name));
  return authish.length > 0 ? authish : session.cookies.filter((c) => !NOISE_COOKIE.test(c.name));
}

/** Where the tokens requests send are kept: header-rule sources, recorded JWTs, the OAuth access token. */
export function tokenRefs(session: Session): StateRef[] {
  return [
    ...session.headers.rules.map((r) => r.from),
    ...(session.tokens?.jwts ?? []).flatMap((j) => ('header' in j.from ? [] : [j.from])),
    ...(session.tokens?.oauth?.accessToken ? [session.tokens.oauth.accessToken] : []),
  ];
}

/**
 * A comparable summary of the credentials (auth cookie values, token values, per-origin headers):
 * two sessions with equal fingerprints log in as the same login. Holds secrets: compare it, never
 * print it.
 */
export function credentialFingerprint(session: Session): string {
  const cookies = authCookies(session).map((c) => `${c.name}\u0000${c.domain}\u0000${c.path}\u0000${c.value}`).sort();
  const tokens = tokenRefs(session).map((ref) => readStateRef(session, ref) ?? '');
  return JSON.stringify([cookies, tokens, session.headers.origins]);
}
