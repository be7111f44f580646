import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { equalSecrets, randomToken, readFields, sendHtml, sendJson } from './http.js';
import { signJwt, verifyJwt } from './jwt.js';
import { messagePage, spaPage } from './pages.js';
import type { DemoApp, DemoConfig, ExpireScope } from './state.js';
import { TtlMap } from './ttl-map.js';

/**
 * The single-page app's server: a JSON login that hands out a short-lived HS256 JWT and a refresh
 * token, a token endpoint that trades the refresh token for a new pair (rotating it, as careful
 * servers do), and a JSON API that wants `Authorization: Bearer`.
 */

const REFRESH_TOKEN_TTL = 30 * 24 * 3600;

export function createSpaApp(config: DemoConfig): DemoApp {
  // A new signing key invalidates every access token issued before it: how the demo "forgets" them.
  let signingKey = randomBytes(32);
  const refreshTokens = new TtlMap<string>();

  function issueTokens(res: ServerResponse, user: string): void {
    const now = Date.now() / 1000;
    const accessToken = signJwt(
      { iss: 'sessionjar-demo', sub: user, iat: Math.floor(now), exp: Math.ceil(now + config.accessTokenTtlSeconds), jti: randomToken(9) },
      signingKey,
    );
    const refreshToken = randomToken(32);
    refreshTokens.set(refreshToken, user, REFRESH_TOKEN_TTL);
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: config.accessTokenTtlSeconds,
      refresh_token: refreshToken,
    });
  }

  function bearerUser(req: IncomingMessage): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const claims = match ? verifyJwt(match[1]!, signingKey) : undefined;
    return typeof claims?.sub === 'string' ? claims.sub : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
      case 'GET /login':
        return sendHtml(res, 200, spaPage());
      case 'POST /api/login': {
        const { username, password } = await readFields(req);
        if (username !== config.credentials.username || !equalSecrets(password, config.credentials.password)) {
          return sendJson(res, 401, { error: 'invalid_credentials', error_description: 'Invalid username or password.' });
        }
        config.stats.logins.spa++;
        return issueTokens(res, username);
      }
      case 'POST /oauth/token': {
        const fields = await readFields(req);
        if (fields.grant_type !== 'refresh_token') {
          return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Only grant_type=refresh_token is supported.' });
        }
        const user = refreshTokens.take(fields.refresh_token);
        if (!user) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Unknown, used or expired refresh token.' });
        config.stats.tokenRefreshes++;
        return issueTokens(res, user);
      }
      case 'GET /api/me': {
        config.stats.apiCalls++;
        const user = bearerUser(req);
        if (!user) {
          return sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
        }
        return sendJson(res, 200, { user, style: 'spa' });
      }
      default:
        return sendHtml(res, 404, messagePage('Not found', `${route} is not a page of the demo single-page app.`));
    }
  }

  return {
    handle,
    expire(scope: ExpireScope) {
      signingKey = randomBytes(32);
      if (scope === 'all') refreshTokens.clear();
    },
  };
}
