import type { Handler } from './http.js';

/** What the demo apps share: credentials, TTLs, counters. */

export interface DemoCredentials {
  username: string;
  password: string;
  /** Base32, as an authenticator app is given it. */
  totpSecret: string;
}

export interface DemoStats {
  /** Completed logins with a password (form, SPA, identity provider) and accepted TOTP codes. */
  logins: Record<'form' | 'spa' | 'idp' | 'totp', number>;
  /** Access tokens issued for a refresh token at the SPA's POST /oauth/token. */
  tokenRefreshes: number;
  /** Codes the identity provider issued from its own session cookie, with no login form: silent SSO. */
  silentSso: number;
  /** Requests to the protected JSON APIs (/api/me, /api/notes) of any style, answered or refused. */
  apiCalls: number;
}

export interface DemoConfig {
  credentials: DemoCredentials;
  stats: DemoStats;
  sessionTtlSeconds: number;
  accessTokenTtlSeconds: number;
  idpSessionTtlSeconds: number;
  totp: boolean;
}

/**
 * `all`: the server forgets every session and token, refresh tokens and the identity provider's
 * session included, as after a server restart. `sessions`: only what a short TTL ends (form and app
 * sessions, access tokens); refresh tokens and the identity provider's session still work.
 */
export type ExpireScope = 'all' | 'sessions';

/** One demo app: its request handler and how it forgets. */
export interface DemoApp {
  handle: Handler;
  expire(scope: ExpireScope): void;
}

export function newStats(): DemoStats {
  return { logins: { form: 0, spa: 0, idp: 0, totp: 0 }, tokenRefreshes: 0, silentSso: 0, apiCalls: 0 };
}
