import { expect, test } from '@playwright/test';
import { startDemoSite } from '../../src/demo/site.js';
import type { DemoSite } from '../../src/demo/site.js';
import { totp } from '../../src/session/totp.js';
import { BrowserLikeFetch } from '../helpers/browser-like-fetch.js';

const JSON_ACCEPT = { accept: 'application/json' };

/** Opens the login page and posts the form as a browser would; returns the final response. */
async function signIn(site: DemoSite, agent: BrowserLikeFetch, fields: Record<string, string> = {}): Promise<Response> {
  const page = await (await agent.fetch(`${site.form}/login`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return agent.fetch(`${site.form}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: site.credentials.username, password: site.credentials.password, csrf, next: '/', ...fields }),
    follow: false,
  });
}

test.describe('demo form login', () => {
  let site: DemoSite;
  test.afterEach(async () => site?.close());

  test('CSRF-checked login sets an HttpOnly sid with the TTL and a readable XSRF-TOKEN', async () => {
    site = await startDemoSite({ sessionTtlSeconds: 120 });
    const agent = new BrowserLikeFetch();
    const res = await signIn(site, agent);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('sid='))).toMatch(/; Max-Age=120; HttpOnly$/);
    expect(cookies.find((c) => c.startsWith('XSRF-TOKEN='))).not.toContain('HttpOnly');
    const me = await agent.fetch(`${site.form}/api/me`, { headers: JSON_ACCEPT });
    expect(await me.json()).toEqual({ user: 'demo', style: 'form' });
    expect(site.stats.logins.form).toBe(1);
  });

  test('a missing CSRF token or a wrong password is refused and sets no session', async () => {
    site = await startDemoSite();
    const agent = new BrowserLikeFetch();
    const noCsrf = await signIn(site, agent, { csrf: 'forged' });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('This form has expired. Sign in again.');
    const wrong = await signIn(site, agent, { password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Invalid username or password.');
    expect(await agent.cookie(site.form, 'sid')).toBeUndefined();
    expect(site.stats.logins.form).toBe(0);
  });

  test('not signed in: 401 JSON for API clients, a redirect to the login page for a browser', async () => {
    site = await startDemoSite();
    const api = await fetch(`${site.form}/api/me`, { headers: JSON_ACCEPT });
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: 'not signed in' });
    const anything = await fetch(`${site.form}/api/me`, { headers: { accept: '*/*' } });
    expect(anything.status).toBe(401);
    const page = await fetch(`${site.form}/api/me`, { headers: { accept: 'text/html,*/*' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fapi%2Fme');
  });

  test('POST /api/notes needs the XSRF-TOKEN cookie echoed in X-XSRF-TOKEN', async () => {
    site = await startDemoSite();
    const agent = new BrowserLikeFetch();
    await signIn(site, agent);
    const body = JSON.stringify({ text: 'hello' });
    const json = { 'content-type': 'application/json', ...JSON_ACCEPT };
    const without = await agent.fetch(`${site.form}/api/notes`, { method: 'POST', headers: json, body });
    expect(without.status).toBe(403);
    expect(await without.json()).toEqual({ error: 'X-XSRF-TOKEN header missing or not the XSRF-TOKEN cookie' });
    const xsrf = (await agent.cookie(site.form, 'XSRF-TOKEN'))!;
    const wrong = await agent.fetch(`${site.form}/api/notes`, { method: 'POST', headers: { ...json, 'x-xsrf-token': `${xsrf}x` }, body });
    expect(wrong.status).toBe(403);
    const ok = await agent.fetch(`${site.form}/api/notes`, { method: 'POST', headers: { ...json, 'x-xsrf-token': xsrf }, body });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: 1, user: 'demo', text: 'hello' });
  });

  test('the session ends after its TTL on the server, not only in the cookie jar', async () => {
    site = await startDemoSite({ sessionTtlSeconds: 1 });
    const agent = new BrowserLikeFetch();
    await signIn(site, agent);
    const sid = (await agent.cookie(site.form, 'sid'))!;
    expect((await fetch(`${site.form}/api/me`, { headers: { cookie: `sid=${sid}`, ...JSON_ACCEPT } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // The stale cookie, sent on purpose as a client that ignores Max-Age would.
    expect((await fetch(`${site.form}/api/me`, { headers: { cookie: `sid=${sid}`, ...JSON_ACCEPT } })).status).toBe(401);
  });

  test('logout and expireAll end the session', async () => {
    site = await startDemoSite();
    const agent = new BrowserLikeFetch();
    await signIn(site, agent);
    const sid = (await agent.cookie(site.form, 'sid'))!;
    site.expireAll();
    expect((await fetch(`${site.form}/api/me`, { headers: { cookie: `sid=${sid}`, ...JSON_ACCEPT } })).status).toBe(401);
    await signIn(site, agent);
    expect((await agent.fetch(`${site.form}/api/me`, { headers: JSON_ACCEPT })).status).toBe(200);
    const out = await agent.fetch(`${site.form}/logout`, { method: 'POST', follow: false });
    expect(out.status).toBe(303);
    expect((await agent.fetch(`${site.form}/api/me`, { headers: JSON_ACCEPT })).status).toBe(401);
  });

  test('the login only redirects to a local path', async () => {
    site = await startDemoSite();
    const res = await signIn(site, new BrowserLikeFetch(), { next: '//evil.example/' });
    expect(res.headers.get('location')).toBe('/');
  });

  test('with totp: the password leads to a code step; a wrong code is refused, the right one signs in', async () => {
    site = await startDemoSite({ totp: true });
    const agent = new BrowserLikeFetch();
    const afterPassword = await signIn(site, agent);
    expect(afterPassword.status).toBe(303);
    expect(afterPassword.headers.get('location')).toBe('/login/totp');
    expect(await agent.cookie(site.form, 'sid')).toBeUndefined();
    expect(await (await agent.fetch(`${site.form}/login/totp`)).text()).toContain('id="code"');
    const post = (code: string) =>
      agent.fetch(`${site.form}/login/totp`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ code }),
        follow: false,
      });
    const current = totp(site.credentials.totpSecret);
    const wrong = await post(current === '000000' ? '111111' : '000000');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong code. Try the current one.');
    const right = await post(totp(site.credentials.totpSecret));
    expect(right.status).toBe(303);
    expect(await agent.cookie(site.form, 'sid')).toBeDefined();
    expect((await agent.fetch(`${site.form}/api/me`, { headers: JSON_ACCEPT })).status).toBe(200);
    expect(site.stats.logins).toMatchObject({ form: 1, totp: 1 });
  });

  test('with totp: the code page without a password step goes back to the login', async () => {
    site = await startDemoSite({ totp: true });
    const res = await fetch(`${site.form}/login/totp`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
  });
});
