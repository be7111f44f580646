import { expect, test } from '@playwright/test';
import { startDemoSite } from '../../src/demo/site.js';
import type { DemoSite } from '../../src/demo/site.js';
import { BrowserLikeFetch } from '../helpers/browser-like-fetch.js';

const JSON_ACCEPT = { accept: 'application/json' };

/** Follows the app's /login to the identity provider's form and posts it; ends on the app's home. */
async function signIn(site: DemoSite, agent: BrowserLikeFetch, password = site.credentials.password): Promise<Response> {
  const form = await agent.fetch(`${site.app}/login`);
  const authorize = /name="authorize" value="([^"]+)"/.exec(await form.text())?.[1]?.replaceAll('&#38;', '&') ?? '';
  return agent.fetch(`${site.idp}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: site.credentials.username, password, authorize }),
  });
}

test.describe('demo cross-origin single sign-on', () => {
  let site: DemoSite;
  test.afterEach(async () => site?.close());

  test('the identity provider is on localhost, the app on 127.0.0.1', async () => {
    site = await startDemoSite();
    expect(new URL(site.idp).hostname).toBe('localhost');
    expect(new URL(site.app).hostname).toBe('127.0.0.1');
    expect(new URL(site.idp).port).not.toBe(new URL(site.app).port);
  });

  test('app /login goes to the identity provider, back to /callback, each origin setting its own cookie', async () => {
    site = await startDemoSite({ sessionTtlSeconds: 120, idpSessionTtlSeconds: 600 });
    const agent = new BrowserLikeFetch();
    const form = await agent.fetch(`${site.app}/login`);
    expect(agent.hops.map((h) => h.status)).toEqual([302, 200]);
    expect(agent.hops[1]!.url).toMatch(new RegExp(`^${site.idp}/authorize\\?response_type=code&client_id=demo-app&redirect_uri=`));
    expect(await form.text()).toContain('Demo identity provider');

    const home = await signIn(site, agent);
    expect(agent.hops.map((h) => [new URL(h.url).origin + new URL(h.url).pathname, h.status])).toEqual([
      [`${site.idp}/login`, 302],
      [`${site.app}/callback`, 302],
      [`${site.app}/`, 200],
    ]);
    expect(await home.text()).toContain('data-user="demo"');
    expect(await agent.cookie(site.idp, 'idp_session')).toBeDefined();
    expect(await agent.cookie(site.app, 'idp_session')).toBeUndefined();
    expect(await agent.cookie(site.app, 'app_sid')).toBeDefined();
    expect(await agent.cookie(site.app, 'app_state')).toBeUndefined();
    expect(await (await agent.fetch(`${site.app}/api/me`, { headers: JSON_ACCEPT })).json()).toEqual({ user: 'demo', style: 'sso' });
    expect(site.stats.logins.idp).toBe(1);
  });

  test('with a valid idp_session the identity provider sends the browser straight back: no form', async () => {
    site = await startDemoSite();
    const agent = new BrowserLikeFetch();
    await signIn(site, agent);
    site.expireSessions();
    expect((await agent.fetch(`${site.app}/api/me`, { headers: JSON_ACCEPT })).status).toBe(401);
    const home = await agent.fetch(`${site.app}/login`);
    expect(agent.hops.map((h) => h.status)).toEqual([302, 302, 302, 200]);
    expect(await home.text()).toContain('data-user="demo"');
    expect((await agent.fetch(`${site.app}/api/me`, { headers: JSON_ACCEPT })).status).toBe(200);
    expect(site.stats).toMatchObject({ silentSso: 1, logins: { idp: 1 } });
  });

  test('the app session ends after its TTL and the identity provider brings it back silently', async () => {
    site = await startDemoSite({ sessionTtlSeconds: 1 });
    const agent = new BrowserLikeFetch();
    await signIn(site, agent);
    const sid = (await agent.cookie(site.app, 'app_sid'))!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fetch(`${site.app}/api/me`, { headers: { cookie: `app_sid=${sid}`, ...JSON_ACCEPT } })).status).toBe(401);
    await agent.fetch(`${site.app}/login`);
    expect((await agent.fetch(`${site.app}/api/me`, { headers: JSON_ACCEPT })).status).toBe(200);
    expect(site.stats.silentSso).toBe(1);
  });

  test('once the identity provider session has expired too, the form comes back', async () => {
    site = await startDemoSite({ sessionTtlSeconds: 1, idpSessionTtlSeconds: 1 });
    const agent = new BrowserLikeFetch();
    await signIn(site, agent);
    const idpSession = (await agent.cookie(site.idp, 'idp_session'))!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // The stale idp cookie, sent on purpose: the server must not honour it either.
    await agent.jar.setCookie(`idp_session=${idpSession}; Path=/`, site.idp);
    const res = await agent.fetch(`${site.app}/login`);
    expect(agent.hops.map((h) => h.status)).toEqual([302, 200]);
    expect(await res.text()).toContain('id="password"');
  });

  test('not signed in: 401 for API clients, a redirect to /login for a browser', async () => {
    site = await startDemoSite();
    const api = await fetch(`${site.app}/api/me`, { headers: JSON_ACCEPT });
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: 'not signed in' });
    const page = await fetch(`${site.app}/api/me`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login');
  });

  test('a wrong password at the identity provider is refused and sets no cookie', async () => {
    site = await startDemoSite();
    const agent = new BrowserLikeFetch();
    const res = await signIn(site, agent, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Invalid username or password.');
    expect(await agent.cookie(site.idp, 'idp_session')).toBeUndefined();
  });

  test('the callback refuses a foreign state and a code used twice', async () => {
    site = await startDemoSite();
    const agent = new BrowserLikeFetch();
    await signIn(site, agent);
    site.expireSessions();
    await agent.fetch(`${site.app}/login`, { follow: false });
    const authorize = await agent.fetch(new URL(agent.hops[0]!.location!).href, { follow: false });
    const callback = authorize.headers.get('location')!;
    const forged = new URL(callback);
    forged.searchParams.set('state', 'other');
    const bad = await agent.fetch(forged.href, { follow: false });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('The state does not match this browser; start again at /login.');
    expect((await agent.fetch(callback, { follow: false })).status).toBe(302);
    const state = new URL(callback).searchParams.get('state')!;
    await agent.jar.setCookie(`app_state=${state}; Path=/`, site.app);
    const reused = await agent.fetch(callback, { follow: false });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('The code is unknown, used or expired; start again at /login.');
  });

  test('the identity provider only sends codes to the registered app', async () => {
    site = await startDemoSite();
    const res = await fetch(`${site.idp}/authorize?client_id=demo-app&redirect_uri=${encodeURIComponent('http://evil.example/callback')}`);
    expect(res.status).toBe(400);
  });
});
