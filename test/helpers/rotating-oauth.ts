import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { testJwt } from './login-server.js';
import { startHttpServer, type TestServer } from './servers.js';

/** One refresh grant the token endpoint answered: when it came in and when the answer went out (ms). */
export interface Grant {
  receivedAt: number;
  answeredAt: number;
}

/** One API request answered 200: when (ms), which worker (`?worker=`), with which access token (0: the first). */
export interface Served {
  at: number;
  worker: string;
  token: number;
}

export interface RotatingOAuth extends TestServer {
  grants(): Grant[];
  /** Refresh grants with a refresh token used before (or never issued): each revokes the family. */
  reused(): number;
  served(): Served[];
  /** API requests answered 401 (an expired, unknown or revoked access token). */
  refused(): number;
  /** The session an SPA recording of this server holds: tokens in localStorage, a Bearer header rule. */
  session(name: string): Session;
}

export interface RotatingOAuthOptions {
  /** Lifetime of each access token (its JWT `exp` − `iat`), seconds. */
  lifetimeS: number;
  /** How long the token endpoint takes to answer a refresh grant. */
  slowMs: number;
  /** After this many grants (and `stopAfterMs` more), API answers carry `x-stop: 1`. */
  stopAfterGrants: number;
  stopAfterMs?: number;
}

/**
 * An identity server on loopback as the strict ones are: refresh tokens rotate on every grant, a
 * refresh token used twice revokes the whole family (every access token stops working), an access
 * token works until its own `exp` (a refresh does not end it early). `/oauth/token` is slow;
 * `/api?worker=<id>` takes `Authorization: Bearer <access token>`. It keeps the server-side times
 * of grants and answered requests, for tests that ask what happened during a refresh.
 */
export async function startRotatingOAuth(options: RotatingOAuthOptions): Promise<RotatingOAuth> {
  const nowS = () => Math.floor(Date.now() / 1000);
  const issue = () => {
    const iat = nowS();
    return { jwt: testJwt({ iat, exp: iat + options.lifetimeS }), exp: iat + options.lifetimeS };
  };
  /** Access tokens by value: their index and expiry (Unix s). */
  const tokens = new Map<string, { index: number; exp: number }>();
  const first = issue();
  tokens.set(first.jwt, { index: 0, exp: first.exp });
  let refresh = 'rt-0';
  let revoked = false;
  let reused = 0;
  let refused = 0;
  const grants: Grant[] = [];
  const served: Served[] = [];
  let stopAt = Infinity;
  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/oauth/token') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const receivedAt = Date.now();
        res.setHeader('content-type', 'application/json');
        const form = new URLSearchParams(body);
        if (revoked || form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refresh) {
          reused++;
          revoked = true;
          return void res.writeHead(400).end('{"error":"invalid_grant","error_description":"refresh token reused: family revoked"}');
        }
        // Used the moment it arrives: a second grant with it while this one is slow is a reuse.
        refresh = `rt-used-${grants.length}`;
        setTimeout(() => {
          const next = issue();
          const index = grants.length + 1;
          tokens.set(next.jwt, { index, exp: next.exp });
          refresh = `rt-${index}`;
          grants.push({ receivedAt, answeredAt: Date.now() });
          if (grants.length >= options.stopAfterGrants) stopAt = Date.now() + (options.stopAfterMs ?? 0);
          res.end(JSON.stringify({ access_token: next.jwt, refresh_token: refresh, token_type: 'Bearer', expires_in: options.lifetimeS }));
        }, options.slowMs);
      });
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer === undefined ? undefined : tokens.get(bearer);
    if (revoked || !token || Date.now() / 1000 >= token.exp) {
      refused++;
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
    }
    served.push({ at: Date.now(), worker: url.searchParams.get('worker') ?? '', token: token.index });
    if (Date.now() >= stopAt) res.setHeader('x-stop', '1');
    res.end('ok');
  });
  const session = (name: string): Session => {
    const origin = server.origin;
    const ref = { storage: 'localStorage' as const, origin, key: 'auth' };
    const access = { ...ref, jsonPath: 'access_token' };
    return {
      ...newSession(name),
      origins: [{ origin, localStorage: { auth: JSON.stringify({ access_token: first.jwt, refresh_token: 'rt-0' }) }, sessionStorage: {} }],
      headers: { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from: access, origins: [origin] }] },
      tokens: { jwts: [{ from: access, exp: first.exp }], oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: access } },
    };
  };
  return Object.assign(server, {
    grants: () => [...grants],
    reused: () => reused,
    served: () => [...served],
    refused: () => refused,
    session,
  });
}
