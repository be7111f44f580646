import { openSessionFrom } from '../replay/client.js';
import { credentialFingerprint } from '../session/credentials.js';
import { loggedOutReason } from '../session/logged-out.js';
import type { Strategy } from './strategy.js';

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * (b) Silent single sign-on over plain HTTP: GET the app's login URL with the session's cookies and
 * follow its redirects (the client updates the jar on every hop). When the identity provider's own
 * session is still valid it sends us straight back with a code and the app sets a new session
 * cookie: no browser, no form. Applies when the session holds cookies of another host than the
 * login URL's (an identity provider's); succeeds only when the chain left the app's origin, came
 * back to it, changed the app's credentials and did not end on the sign-in page (the probe, when
 * the session has one, decides that last point instead: the refresher runs it on the result).
 */
export const silentSsoStrategy: Strategy = {
  id: 'silent-sso',
  title: 'silent single sign-on',
  skip(session) {
    const loginUrl = session.login?.url;
    if (!loginUrl) return 'the session has no login URL';
    const appHost = hostOf(loginUrl);
    const foreign = session.cookies.some((c) => c.domain.toLowerCase() !== appHost && !appHost?.endsWith(`.${c.domain.toLowerCase()}`));
    return foreign ? undefined : `no identity-provider cookies (every cookie is for ${appHost})`;
  },
  async run(session, context) {
    const login = session.login;
    if (!login) throw new Error('no login URL');
    const app = new URL(login.url).origin;
    const client = await openSessionFrom(session, { ...context.client, readOnly: true, autoRefresh: false, refresher: undefined });
    try {
      context.log(`GET ${login.url} following redirects with the session's cookies`);
      const response = await client.request(login.url, { headers: { accept: 'text/html,application/xhtml+xml' } });
      await response.body.text();
      const hops = [...response.redirects.map((r) => r.url), response.url];
      context.log(`redirect chain: ${hops.map((u) => new URL(u).origin + new URL(u).pathname).join(' → ')}`);
      const final = new URL(response.url);
      if (!hops.some((u) => new URL(u).origin !== app)) throw new Error(`${login.url} did not redirect to an identity provider (answered ${response.status} at ${final.origin}${final.pathname})`);
      if (final.origin !== app) {
        throw new Error(`the chain stopped at ${final.origin}${final.pathname} (status ${response.status}): the identity provider wants a login, its own session has expired`);
      }
      const loggedOut = loggedOutReason({ status: response.status, url: response.url, redirected: true }, login);
      // The refresher asks the probe about every refreshed session: with one, it is the judge.
      if (loggedOut && !login.probe) throw new Error(`the chain came back logged out (${loggedOut})`);
      if (loggedOut) context.log(`the chain ended at ${final.origin}${final.pathname}, which looks logged out (${loggedOut}); the probe decides`);
      if (response.status >= 400) throw new Error(`the chain ended with status ${response.status} at ${final.origin}${final.pathname}`);
      const next = client.session;
      if (credentialFingerprint(next) === credentialFingerprint(session)) throw new Error('the app set no new session cookie');
      return next;
    } finally {
      await client.close();
    }
  },
};
