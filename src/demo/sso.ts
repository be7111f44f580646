import type { IncomingMessage, ServerResponse } from 'node:http';
import { clearCookie, equalSecrets, parseCookies, randomToken, readFields, redirect, sendHtml, sendJson, setCookie, wantsHtml } from './http.js';
import { appHomePage, loginPage, messagePage } from './pages.js';
import type { DemoApp, DemoConfig, ExpireScope } from './state.js';
import { TtlMap } from './ttl-map.js';

/**
 * A login that crosses origins, OAuth authorization-code style: the app (one origin) sends the
 * browser to the identity provider (another origin), which signs the user in, or at once when its
 * own `idp_session` cookie is still valid, and redirects back with a one-time code. The app trades
 * the code for the user and sets its own `app_sid` cookie.
 */

export const SSO_CLIENT_ID = 'demo-app';
const CODE_TTL = 60;
const STATE_TTL = 600;

/** Filled in once the servers listen, before any request arrives. */
export interface SsoOrigins {
  idp: string;
  app: string;
}

export interface Idp extends DemoApp {
  /** The back channel: both apps live in this process, so it is a call rather than a request. */
  exchangeCode(code: string | null): string | undefined;
}

export function createIdp(config: DemoConfig, origins: SsoOrigins): Idp {
  const idpSessions = new TtlMap<string>();
  const codes = new TtlMap<string>();

  function validAuthorize(params: URLSearchParams): boolean {
    return params.get('client_id') === SSO_CLIENT_ID && params.get('redirect_uri') === `${origins.app}/callback`;
  }

  function sendBack(res: ServerResponse, params: URLSearchParams, user: string, cookies: string[] = []): void {
    const code = randomToken();
    codes.set(code, user, CODE_TTL);
    const back = new URL(params.get('redirect_uri')!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', params.get('state') ?? '');
    redirect(res, back.href, 302, cookies.length ? { 'set-cookie': cookies } : {});
  }

  function renderLogin(res: ServerResponse, status: number, params: URLSearchParams, error?: string): void {
    sendHtml(res, status, loginPage({ title: 'Demo identity provider', action: '/login', hidden: { authorize: params.toString() }, ...(error ? { error } : {}) }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /authorize': {
        if (!validAuthorize(url.searchParams)) {
          return sendHtml(res, 400, messagePage('Bad request', `Unknown client_id or redirect_uri; the demo app is "${SSO_CLIENT_ID}" at ${origins.app}/callback.`));
        }
        const user = idpSessions.get(parseCookies(req).idp_session);
        if (!user) return renderLogin(res, 200, url.searchParams);
        config.stats.silentSso++;
        return sendBack(res, url.searchParams, user);
      }
      case 'POST /login': {
        const fields = await readFields(req);
        const params = new URLSearchParams(fields.authorize ?? '');
        if (!validAuthorize(params)) return sendHtml(res, 400, messagePage('Bad request', 'Start signing in from the app.'));
        const { username, password } = config.credentials;
        if (fields.username !== username || !equalSecrets(fields.password, password)) {
          return renderLogin(res, 401, params, 'Invalid username or password.');
        }
        const id = randomToken();
        idpSessions.set(id, username, config.idpSessionTtlSeconds);
        config.stats.logins.idp++;
        return sendBack(res, params, username, [setCookie('idp_session', id, { httpOnly: true, maxAge: config.idpSessionTtlSeconds })]);
      }
      default:
        return sendHtml(res, 404, messagePage('Not found', `${route} is not a page of the demo identity provider.`));
    }
  }

  return {
    handle,
    exchangeCode: (code) => codes.take(code ?? undefined),
    expire(scope: ExpireScope) {
      codes.clear();
      if (scope === 'all') idpSessions.clear();
    },
  };
}

export function createSsoApp(config: DemoConfig, origins: SsoOrigins, idp: Idp): DemoApp {
  const sessions = new TtlMap<string>();

  function currentUser(req: IncomingMessage): string | undefined {
    return sessions.get(parseCookies(req).app_sid);
  }

  /** To the identity provider's /authorize, to come back to `back` (the page asked for) after /callback. */
  function toIdp(res: ServerResponse, back: string): void {
    const state = randomToken(12);
    const authorize = new URL('/authorize', origins.idp);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: SSO_CLIENT_ID,
      redirect_uri: `${origins.app}/callback`,
      state,
    }).toString();
    const cookies = [setCookie('app_state', state, { httpOnly: true, maxAge: STATE_TTL }), setCookie('app_return', back, { httpOnly: true, maxAge: STATE_TTL })];
    redirect(res, authorize.href, 302, { 'set-cookie': cookies });
  }

  function handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /': {
        const user = currentUser(req);
        if (!user) return redirect(res, '/login');
        return sendHtml(res, 200, appHomePage(user));
      }
      case 'GET /login':
        return toIdp(res, '/');
      case 'GET /profile': {
        // A protected page that goes to the identity provider itself and is come back to.
        const user = currentUser(req);
        if (!user) return toIdp(res, '/profile');
        return sendHtml(res, 200, appHomePage(user));
      }
      case 'GET /callback': {
        const state = url.searchParams.get('state') ?? undefined;
        if (!equalSecrets(state, parseCookies(req).app_state)) {
          return sendHtml(res, 400, messagePage('Sign-in failed', 'The state does not match this browser; start again at /login.'));
        }
        const user = idp.exchangeCode(url.searchParams.get('code'));
        if (!user) return sendHtml(res, 400, messagePage('Sign-in failed', 'The code is unknown, used or expired; start again at /login.'));
        const sid = randomToken();
        sessions.set(sid, user, config.sessionTtlSeconds);
        const back = parseCookies(req).app_return === '/profile' ? '/profile' : '/';
        return redirect(res, back, 302, {
          'set-cookie': [clearCookie('app_state'), clearCookie('app_return'), setCookie('app_sid', sid, { httpOnly: true, maxAge: config.sessionTtlSeconds })],
        });
      }
      case 'GET /logout':
      case 'POST /logout':
        sessions.delete(parseCookies(req).app_sid);
        return sendHtml(res, 200, messagePage('Signed out', 'You are signed out of the app (the identity provider still knows you).'), {
          'set-cookie': clearCookie('app_sid'),
        });
      case 'GET /api/me': {
        config.stats.apiCalls++;
        const user = currentUser(req);
        if (user) return sendJson(res, 200, { user, style: 'sso' });
        if (wantsHtml(req)) return redirect(res, '/login');
        return sendJson(res, 401, { error: 'not signed in' });
      }
      default:
        return sendHtml(res, 404, messagePage('Not found', `${route} is not a page of the demo app.`));
    }
  }

  return {
    handle,
    expire() {
      sessions.clear();
    },
  };
}
