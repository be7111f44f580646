import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyTotp } from '../session/totp.js';
import { clearCookie, equalSecrets, parseCookies, randomToken, readFields, redirect, safeNext, sendHtml, sendJson, setCookie, wantsHtml } from './http.js';
import { formHomePage, loginPage, messagePage, totpPage } from './pages.js';
import type { DemoApp, DemoConfig } from './state.js';
import { TtlMap } from './ttl-map.js';

/**
 * The classic server-rendered login: a CSRF token bound to a pre-session cookie, an HttpOnly `sid`
 * cookie with a server-side expiry, a readable XSRF-TOKEN cookie that API calls must echo in an
 * X-XSRF-TOKEN header, and an optional TOTP step.
 */

interface FormSession {
  user: string;
  xsrf: string;
}

const PRE_SESSION_TTL = 3600;
const MFA_TTL = 300;

export function createFormApp(config: DemoConfig): DemoApp {
  const csrfByPreSession = new TtlMap<string>();
  const pendingMfa = new TtlMap<{ user: string; next: string }>();
  const sessions = new TtlMap<FormSession>();
  const notes: { id: number; user: string; text: string }[] = [];

  function currentSession(req: IncomingMessage): FormSession | undefined {
    return sessions.get(parseCookies(req).sid);
  }

  function renderLogin(req: IncomingMessage, res: ServerResponse, status: number, next: string, error?: string): void {
    let pre = parseCookies(req).presid;
    let csrf = csrfByPreSession.get(pre);
    const headers: Record<string, string[]> = { 'set-cookie': [] };
    if (!pre || !csrf) {
      pre = randomToken();
      csrf = randomToken();
      csrfByPreSession.set(pre, csrf, PRE_SESSION_TTL);
      headers['set-cookie']!.push(setCookie('presid', pre, { httpOnly: true }));
    }
    sendHtml(res, status, loginPage({ title: 'Sign in', action: '/login', hidden: { csrf, next }, ...(error ? { error } : {}) }), headers);
  }

  function completeLogin(res: ServerResponse, user: string, next: string, extraCookies: string[]): void {
    const sid = randomToken();
    const xsrf = randomToken();
    sessions.set(sid, { user, xsrf }, config.sessionTtlSeconds);
    config.stats.logins.form++;
    const maxAge = config.sessionTtlSeconds;
    redirect(res, next, 303, {
      'set-cookie': [
        ...extraCookies,
        clearCookie('presid'),
        setCookie('sid', sid, { httpOnly: true, maxAge }),
        setCookie('XSRF-TOKEN', xsrf, { maxAge }),
      ],
    });
  }

  function refuse(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (wantsHtml(req)) redirect(res, `/login?next=${encodeURIComponent(path)}`);
    else sendJson(res, 401, { error: 'not signed in' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    if (url.pathname.startsWith('/api/')) config.stats.apiCalls++;
    switch (route) {
      case 'GET /':
        if (!currentSession(req)) return redirect(res, '/login');
        return sendHtml(res, 200, formHomePage());
      case 'GET /login':
        return renderLogin(req, res, 200, safeNext(url.searchParams.get('next')));
      case 'POST /login': {
        const fields = await readFields(req);
        const next = safeNext(fields.next);
        if (!equalSecrets(fields.csrf, csrfByPreSession.get(parseCookies(req).presid))) {
          return renderLogin(req, res, 403, next, 'This form has expired. Sign in again.');
        }
        const { username, password } = config.credentials;
        if (fields.username !== username || !equalSecrets(fields.password, password)) {
          return renderLogin(req, res, 401, next, 'Invalid username or password.');
        }
        if (!config.totp) return completeLogin(res, username, next, []);
        const mfa = randomToken();
        pendingMfa.set(mfa, { user: username, next }, MFA_TTL);
        return redirect(res, '/login/totp', 303, { 'set-cookie': setCookie('mfa', mfa, { httpOnly: true, maxAge: MFA_TTL }) });
      }
      case 'GET /login/totp':
        if (!pendingMfa.get(parseCookies(req).mfa)) return redirect(res, '/login', 303);
        return sendHtml(res, 200, totpPage());
      case 'POST /login/totp': {
        const mfaId = parseCookies(req).mfa;
        const pending = pendingMfa.get(mfaId);
        if (!pending) return redirect(res, '/login', 303);
        const { code = '' } = await readFields(req);
        if (!verifyTotp(config.credentials.totpSecret, code.trim())) return sendHtml(res, 401, totpPage('Wrong code. Try the current one.'));
        pendingMfa.delete(mfaId);
        config.stats.logins.totp++;
        return completeLogin(res, pending.user, pending.next, [clearCookie('mfa')]);
      }
      case 'GET /logout':
      case 'POST /logout':
        sessions.delete(parseCookies(req).sid);
        return redirect(res, '/login', 303, { 'set-cookie': [clearCookie('sid'), clearCookie('XSRF-TOKEN')] });
      case 'GET /api/me': {
        const session = currentSession(req);
        if (!session) return refuse(req, res, url.pathname);
        return sendJson(res, 200, { user: session.user, style: 'form' });
      }
      case 'GET /api/notes':
      case 'POST /api/notes': {
        const session = currentSession(req);
        if (!session) return refuse(req, res, url.pathname);
        if (req.method === 'GET') return sendJson(res, 200, notes.filter((n) => n.user === session.user));
        const header = req.headers['x-xsrf-token'];
        if (!equalSecrets(typeof header === 'string' ? header : undefined, session.xsrf)) {
          return sendJson(res, 403, { error: 'X-XSRF-TOKEN header missing or not the XSRF-TOKEN cookie' });
        }
        const { text = '' } = await readFields(req);
        const note = { id: notes.length + 1, user: session.user, text };
        notes.push(note);
        return sendJson(res, 201, note);
      }
      default:
        return sendHtml(res, 404, messagePage('Not found', `${route} is not a page of the demo form app.`));
    }
  }

  return {
    handle,
    expire() {
      sessions.clear();
      pendingMfa.clear();
    },
  };
}
