import { startHttpServer, type TestServer } from './servers.js';

/**
 * An OIDC-style login on loopback: an app on 127.0.0.1 and an identity provider on localhost (two
 * origins, as in real single sign-on). The app's protected pages send a visitor without a valid
 * `app_sid` to the IdP; the IdP, when its own `idp_sid` is alive, sends them straight back to
 * /callback with a code; /callback sets a fresh `app_sid` and redirects to the page first asked
 * for, so the chain comes back to a URL it has already visited, now with another cookie.
 *
 * App routes: `/profile` (protected page), `/login` (→ /profile once logged in), `/callback`,
 * `/` and `POST /notes` (→ /profile once logged in, as apps send people to the page they want),
 * `/api/me` (JSON; 401 when logged out: a probe).
 * IdP routes: `/authorize?return=<app path>`, `/signin` (its login form).
 */
export interface OidcPair {
  app: TestServer;
  idp: TestServer;
  /** `http://localhost:PORT` of the IdP. */
  idpOrigin: string;
  /** Codes the IdP issued. */
  codes(): number;
  /** A valid `app_sid` value, as if the user had signed in (no code issued). */
  appSession(): string;
  close(): Promise<void>;
}

export const IDP_SESSION = 'idp-session-alive-7c1f';

export async function startOidcPair(): Promise<OidcPair> {
  let codes = 0;
  const valid = new Set<string>();
  let idpOrigin = '';
  const app = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const sid = /(?:^|; )app_sid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
    const loggedIn = sid !== undefined && valid.has(sid);
    const toIdp = (back: string) => {
      res.writeHead(302, { location: `${idpOrigin}/authorize?return=${encodeURIComponent(back)}` });
      res.end();
    };
    if (url.pathname === '/profile') {
      if (!loggedIn) return toIdp('/profile');
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`profile of alice (${sid})`);
    }
    if (url.pathname === '/login') {
      if (!loggedIn) return toIdp('/login');
      return void res.writeHead(302, { location: '/profile' }).end();
    }
    if (url.pathname === '/' || (url.pathname === '/notes' && req.method === 'POST')) {
      if (!loggedIn) return toIdp('/profile');
      return void res.writeHead(url.pathname === '/' ? 302 : 303, { location: '/profile' }).end();
    }
    if (url.pathname === '/api/me') {
      res.writeHead(loggedIn ? 200 : 401, { 'content-type': 'application/json' });
      return void res.end(loggedIn ? '{"user":"alice"}' : '{"error":"not signed in"}');
    }
    if (url.pathname === '/callback') {
      const code = url.searchParams.get('code') ?? '';
      if (!code.startsWith('code-')) return void res.writeHead(400).end('bad code');
      const fresh = `app-${code}`;
      valid.add(fresh);
      res.writeHead(302, { location: url.searchParams.get('return') ?? '/profile', 'set-cookie': `app_sid=${fresh}; Path=/; HttpOnly` });
      return void res.end();
    }
    res.writeHead(404).end();
  });
  const idp = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/authorize') {
      if (!(req.headers.cookie ?? '').includes(`idp_sid=${IDP_SESSION}`)) return void res.writeHead(302, { location: '/signin' }).end();
      const back = url.searchParams.get('return') ?? '/profile';
      res.writeHead(302, { location: `${app.origin}/callback?code=code-${++codes}&return=${encodeURIComponent(back)}` });
      return void res.end();
    }
    if (url.pathname === '/signin') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<form>sign in <input type="password"></form>');
    res.writeHead(404).end();
  });
  idpOrigin = idp.localhostOrigin;
  return {
    app,
    idp,
    idpOrigin,
    codes: () => codes,
    appSession: () => {
      const sid = `app-direct-${valid.size}`;
      valid.add(sid);
      return sid;
    },
    close: async () => {
      await Promise.all([app.close(), idp.close()]);
    },
  };
}
