import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { startHttpServer, type TestServer } from './servers.js';

/**
 * A loopback app with both HTTP ways to log in again: an OAuth token endpoint (`POST /oauth/token`)
 * and silent single sign-on (`/login` → the identity provider on the `localhost` origin →
 * `/callback?code=…`, which sets a new `sid`). Every token and cookie it grants lives `ttlSeconds`.
 * `GET /api/me` answers 200 to a live Bearer token or `sid`, else 401. It counts the logins it grants.
 */
export interface LoginServer extends TestServer {
  logins: { oauth: number; sso: number };
  /** The body of a 400 from the token endpoint instead of a grant. */
  tokenFailure?: string;
  /** The identity provider wants a password: silent SSO stops on its sign-in page. */
  ssoSignInRequired?: boolean;
  /** Takes `value` as a token or sid it granted, until `exp` (Unix seconds). */
  accept(value: string, exp: number): void;
}

const nowS = () => Math.floor(Date.now() / 1000);

/** An unsigned JWT: sessionjar reads `iat` and `exp`, never the signature. */
export function testJwt(claims: { iat?: number; exp: number }): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'u', jti: randomBytes(6).toString('hex'), ...claims })}.c2ln`;
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(/;\s*/)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
}

export async function startLoginServer(ttlSeconds = 30): Promise<LoginServer> {
  const live = new Map<string, number>(); // granted token or sid → exp (Unix seconds)
  const grant = (value: string) => live.set(value, nowS() + ttlSeconds);
  const alive = (value: string | undefined) => value !== undefined && (live.get(value) ?? 0) > Date.now() / 1000;
  // The handler reads the switches from the object handed back, so a test can flip them.
  const state: Pick<LoginServer, 'logins' | 'tokenFailure' | 'ssoSignInRequired' | 'accept'> = { logins: { oauth: 0, sso: 0 }, accept: (value, exp) => live.set(value, exp) };
  const server: LoginServer = Object.assign(await startHttpServer((req, res) => {
    const idp = (req.headers.host ?? '').startsWith('localhost:');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const redirect = (location: string) => {
      res.writeHead(302, { location });
      res.end();
    };
    if (idp && path === '/authorize') {
      if (server.ssoSignInRequired || cookieOf(req, 'idp') === undefined) return redirect('/signin');
      return redirect(`${server.origin}/callback?code=${randomBytes(8).toString('hex')}`);
    }
    if (idp) {
      res.end('<form>password</form>');
      return;
    }
    if (path === '/oauth/token' && req.method === 'POST') {
      void readBody(req).then(() => {
        res.setHeader('content-type', 'application/json');
        if (server.tokenFailure !== undefined) {
          res.statusCode = 400;
          res.end(server.tokenFailure);
          return;
        }
        server.logins.oauth++;
        const access = testJwt({ iat: nowS(), exp: nowS() + ttlSeconds });
        grant(access);
        res.end(JSON.stringify({ access_token: access, refresh_token: `rt-${randomBytes(6).toString('hex')}`, expires_in: ttlSeconds }));
      });
      return;
    }
    if (path === '/login') return redirect(`${server.localhostOrigin}/authorize`);
    if (path === '/callback') {
      server.logins.sso++;
      const sid = randomBytes(12).toString('hex');
      grant(sid);
      res.setHeader('set-cookie', `sid=${sid}; Max-Age=${ttlSeconds}; Path=/; HttpOnly`);
      return redirect('/home');
    }
    if (path === '/home') {
      res.end('home');
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const ok = path === '/api/me' && (alive(bearer) || alive(cookieOf(req, 'sid')));
    res.statusCode = ok ? 200 : 401;
    res.end(ok ? '{"user":"u"}' : '{"error":"login"}');
  }), state);
  return server;
}

/**
 * A session for the server: an access token in localStorage sent as `Authorization: Bearer`, with
 * the refresh token next to it (`oauth`), and/or an app `sid` cookie beside the identity provider's
 * `idp` cookie (`sso`). What it holds was issued `ageSeconds` ago and lived `ttlSeconds`.
 */
export function loginServerSession(server: TestServer, name: string, what: { oauth?: boolean; sso?: boolean }, ttlSeconds = 30, ageSeconds = 35): Session {
  const origin = server.origin;
  const iat = nowS() - ageSeconds;
  const session: Session = { ...newSession(name, new Date((iat - 3600) * 1000)) };
  if (what.oauth) {
    const ref = { storage: 'localStorage' as const, origin, key: 'auth' };
    const access = { ...ref, jsonPath: 'access_token' };
    session.origins = [{ origin, localStorage: { auth: JSON.stringify({ access_token: testJwt({ iat, exp: iat + ttlSeconds }), refresh_token: 'rt-recorded-0123456789' }) }, sessionStorage: {} }];
    session.headers = { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from: access, origins: [origin] }] };
    session.tokens = { jwts: [{ from: access, exp: iat + ttlSeconds }], oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: access } };
  }
  if (what.sso) {
    const cookie = { hostOnly: true, path: '/', httpOnly: true, secure: false };
    session.cookies = [
      { ...cookie, name: 'sid', value: 'recorded-sid-0123456789', domain: '127.0.0.1', expires: iat + ttlSeconds, setAt: iat * 1000 },
      { ...cookie, name: 'idp', value: 'idp-session-0123456789', domain: 'localhost', expires: nowS() + 86400, setAt: iat * 1000 },
    ];
    session.login = { url: `${origin}/login`, env: [] };
  }
  return session;
}
