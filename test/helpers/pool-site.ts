import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { startHttpServer, type TestServer } from './servers.js';

/** How the pool site answers one account: as usual, blocked, rate-limited, or logged out for good. */
export type Answer = 'ok' | 'blocked' | 'captcha' | 'rate-limited' | 'logged-out' | 'error';

export interface PoolSite extends TestServer {
  /** The accounts that reached the API, in order. */
  seen: string[];
  /** Set how the site answers an account from now on. */
  answer: Record<string, Answer>;
  /** The Retry-After of a rate-limited answer (default "2"). */
  retryAfter: string;
}

/**
 * A site that knows its user by the `sid` cookie (its value is the account's name): GET /api
 * answers `{"account": …}`, or 403, a 200 captcha page, 429 with a Retry-After, 401, or 503.
 */
export async function startPoolSite(): Promise<PoolSite> {
  const seen: string[] = [];
  const answer: Record<string, Answer> = {};
  const server = await startHttpServer((req, res) => {
    const account = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? 'anonymous';
    if (req.url === '/login') {
      res.statusCode = 500;
      res.end('login is down');
      return;
    }
    seen.push(account);
    const mode = answer[account] ?? 'ok';
    res.setHeader('content-type', mode === 'captcha' ? 'text/html' : 'application/json');
    if (mode === 'blocked') res.statusCode = 403;
    if (mode === 'rate-limited') {
      res.statusCode = 429;
      res.setHeader('retry-after', site.retryAfter);
    }
    if (mode === 'logged-out') res.statusCode = 401;
    if (mode === 'error') res.statusCode = 503;
    res.end(mode === 'captcha' ? '<html><body><div class="g-recaptcha"></div> Prove you are human</body></html>' : JSON.stringify({ account }));
  });
  // The handler reads this object, so a test's `site.retryAfter = …` takes effect.
  const site: PoolSite = Object.assign(server, { seen, answer, retryAfter: '2' });
  return site;
}

/** The session file of one account of the site: its cookie, and a login block whose refresh cannot work here. */
export function accountSession(name: string, account: string, origin: string): Session {
  return {
    ...newSession(name),
    cookies: [{ name: 'sid', value: account, domain: '127.0.0.1', hostOnly: true, path: '/', expires: Math.floor(Date.now() / 1000) + 86_400, httpOnly: true, secure: false }],
    login: { url: `${origin}/login`, env: [] },
  };
}
