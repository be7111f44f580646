import type { Cookie, Session } from '../../src/session/schema/index.js';
import { newSession } from '../../src/session/new-session.js';

/** A session cookie for `host` with the usual flags; override what a test is about. */
export function cookie(name: string, value: string, host: string, extra: Partial<Cookie> = {}): Cookie {
  return { name, value, domain: host, hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, ...extra };
}

export function sessionWith(cookies: Cookie[], extra: Partial<Session> = {}): Session {
  return { ...newSession('test'), cookies, ...extra };
}
