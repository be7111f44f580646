import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { startHttpServer, type TestServer } from './servers.js';

export interface RotatingApp extends TestServer {
  /** The server forgets the current `sid`: the session is logged out at the server. */
  revoke: () => void;
  /** Logins granted at the token endpoint. */
  logins: () => number;
  /** Token requests refused (a used or unknown refresh token). */
  refused: () => number;
  /** The next login is never answered until the test calls the function the promise gives. */
  stallNextLogin: () => Promise<(grant: object) => void>;
  refuseLogins: () => void;
}

/**
 * An API that takes the cookie `sid` its token endpoint sets; the token endpoint rotates refresh
 * tokens and refuses a used one, as OAuth servers with rotation do (two refreshes at once: one fails).
 * With `clearOnLogout`, a 401 also clears `sid` (Set-Cookie with Max-Age=0), as many apps do: a
 * write-back of that from before a re-login must not undo the new login. `?theme=x` on the API
 * sets an ordinary cookie.
 */
export async function rotatingApp(options: { clearOnLogout?: boolean } = {}): Promise<RotatingApp> {
  let sid = 'at-0';
  let refresh = 'rt-0';
  let logins = 0;
  let refused = 0;
  // A login asked for while this is set never gets an answer; the promise says it was asked for.
  let stall: ((answer: (grant: object) => void) => void) | undefined;
  let refuseAll = false;
  const server = await startHttpServer((req, res) => {
    if (req.url === '/oauth/token' && stall) {
      // Answered when (if ever) the test says, with the grant it gives.
      stall((grant) => res.setHeader('content-type', 'application/json').end(JSON.stringify(grant)));
      stall = undefined;
      return;
    }
    if (req.url === '/oauth/token') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (refuseAll || new URLSearchParams(body).get('refresh_token') !== refresh) {
          refused++;
          return void res.writeHead(400).end('{"error":"invalid_grant"}');
        }
        logins++;
        sid = `at-${logins}`;
        refresh = `rt-${logins}`;
        res.setHeader('set-cookie', `sid=${sid}; Path=/; HttpOnly`);
        res.end(JSON.stringify({ access_token: sid, refresh_token: refresh }));
      });
      return;
    }
    if (!(req.headers.cookie ?? '').split('; ').includes(`sid=${sid}`)) {
      if (options.clearOnLogout) res.setHeader('set-cookie', 'sid=; Path=/; Max-Age=0');
      return void res.writeHead(401).end();
    }
    // `?theme=x` sets an ordinary cookie: a write-back that is no login.
    const theme = new URL(req.url ?? '/', 'http://x').searchParams.get('theme');
    if (theme) res.setHeader('set-cookie', `theme=${theme}; Path=/`);
    res.end('ok');
  });
  const stallNextLogin = () => new Promise<(grant: object) => void>((resolve) => (stall = resolve));
  return Object.assign(server, { revoke: () => void (sid = 'revoked'), logins: () => logins, refused: () => refused, stallNextLogin, refuseLogins: () => void (refuseAll = true) });
}

/** The session the app's first login gave: cookie `sid=at-0`, refresh token `rt-0` in localStorage. */
export function rotatingSession(origin: string): Session {
  return {
    ...newSession('app'),
    cookies: [{ name: 'sid', value: 'at-0', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, setAt: Date.now() - 60_000 }],
    origins: [{ origin, localStorage: { refresh_token: 'rt-0' }, sessionStorage: {} }],
    tokens: { jwts: [], oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { storage: 'localStorage', origin, key: 'refresh_token' } } },
  };
}
