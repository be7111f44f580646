import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { base32Encode } from '../session/totp.js';
import { createFormApp } from './form-app.js';
import { closeServer, listen, makeServer, originOf, randomToken } from './http.js';
import { createSpaApp } from './spa-app.js';
import { createIdp, createSsoApp } from './sso.js';
import type { SsoOrigins } from './sso.js';
import { newStats } from './state.js';
import type { DemoApp, DemoConfig, DemoCredentials, DemoStats } from './state.js';

export type { DemoCredentials, DemoStats } from './state.js';

export interface DemoSiteOptions {
  /** Lifetime of the form login's `sid` and the SSO app's `app_sid` (cookie Max-Age and server side); default 3600. */
  sessionTtlSeconds?: number;
  /** Lifetime of the SPA's JWT access token (`exp`); default 300. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of the identity provider's own `idp_session`; default 8 hours. */
  idpSessionTtlSeconds?: number;
  /** Ask for a TOTP code after the form login's password; default false. */
  totp?: boolean;
  /** Loopback address of the form, SPA and app origins; default 127.0.0.1 (the identity provider is always on localhost). */
  host?: string;
}

export interface DemoSite {
  /** Classic form login at /login, protected JSON at /api/me and /api/notes, /logout. */
  form: string;
  /** Single-page app at / and /login, JSON API /api/me with Bearer, POST /oauth/token. */
  spa: string;
  /** Identity provider on http://localhost:<port>: /authorize, /login. */
  idp: string;
  /** App whose /login goes through the identity provider and back to /callback; protected /api/me. */
  app: string;
  credentials: DemoCredentials;
  /** Live counters. */
  stats: DemoStats;
  /** The server forgets every session and token (refresh tokens and the identity provider's session too). */
  expireAll(): void;
  /** The server forgets what a short TTL ends: form and app sessions, access tokens. Refresh tokens and the identity provider's session keep working. */
  expireSessions(): void;
  close(): Promise<void>;
}

/**
 * Starts the bundled demo site on loopback, every server on a free port: the login styles real
 * sites have, for `sessionjar demo` and the tests.
 *
 * @example
 * const site = await startDemoSite({ sessionTtlSeconds: 2 });
 * // record `${site.form}/login`, replay `${site.form}/api/me` ...
 * await site.close();
 */
export async function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const host = options.host ?? '127.0.0.1';
  const config: DemoConfig = {
    credentials: { username: 'demo', password: randomToken(12), totpSecret: base32Encode(randomBytes(20)) },
    stats: newStats(),
    sessionTtlSeconds: options.sessionTtlSeconds ?? 3600,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
    idpSessionTtlSeconds: options.idpSessionTtlSeconds ?? 8 * 3600,
    totp: options.totp ?? false,
  };
  const origins: SsoOrigins = { idp: '', app: '' };
  const idp = createIdp(config, origins);
  const apps: DemoApp[] = [createFormApp(config), createSpaApp(config), idp, createSsoApp(config, origins, idp)];
  const servers: Server[] = [];
  try {
    const [formPort, spaPort, appPort] = await Promise.all(
      [apps[0]!, apps[1]!, apps[3]!].map((app) => {
        const server = makeServer(app.handle);
        servers.push(server);
        return listen(server, 0, host);
      }),
    );
    servers.push(...(await listenLocalhost(makeServer(idp.handle), makeServer(idp.handle))));
    const idpPort = (servers.at(-1)!.address() as { port: number }).port;
    origins.idp = originOf('localhost', idpPort);
    origins.app = originOf(host, appPort!);
    return {
      form: originOf(host, formPort!),
      spa: originOf(host, spaPort!),
      idp: origins.idp,
      app: origins.app,
      credentials: config.credentials,
      stats: config.stats,
      expireAll: () => apps.forEach((app) => app.expire('all')),
      expireSessions: () => apps.forEach((app) => app.expire('sessions')),
      close: async () => {
        await Promise.all(servers.map(closeServer));
      },
    };
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
}

/**
 * `localhost` is 127.0.0.1 on some machines and ::1 first on others; the identity provider answers
 * on both, on the same port, so browsers and clients reach it whichever they pick.
 */
async function listenLocalhost(v4: Server, v6: Server): Promise<Server[]> {
  for (let attempt = 0; ; attempt++) {
    const port = await listen(v4, 0, '127.0.0.1');
    try {
      await listen(v6, port, '::1');
      return [v6, v4];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return [v4];
      await closeServer(v4);
      if (code !== 'EADDRINUSE' || attempt >= 4) throw error;
    }
  }
}
