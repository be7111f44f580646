import { expect, test } from '@playwright/test';
import { startDemoSite } from '../../src/demo/site.js';
import type { DemoSite } from '../../src/demo/site.js';

interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

async function login(site: DemoSite, password = site.credentials.password): Promise<Response> {
  return fetch(`${site.spa}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: site.credentials.username, password }),
  });
}

function me(site: DemoSite, token?: string): Promise<Response> {
  return fetch(`${site.spa}/api/me`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

function refresh(site: DemoSite, refreshToken: string, grantType = 'refresh_token'): Promise<Response> {
  return fetch(`${site.spa}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: grantType, refresh_token: refreshToken }),
  });
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

test.describe('demo single-page app', () => {
  let site: DemoSite;
  test.afterEach(async () => site?.close());

  test('the JSON login returns an HS256 JWT that expires after the TTL, and a refresh token', async () => {
    site = await startDemoSite({ accessTokenTtlSeconds: 90 });
    const res = await login(site);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Tokens;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 90 });
    expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const exp = claims(tokens.access_token).exp as number;
    expect(exp - Date.now() / 1000).toBeGreaterThan(89);
    expect(exp - Date.now() / 1000).toBeLessThanOrEqual(91);
    expect(await (await me(site, tokens.access_token)).json()).toEqual({ user: 'demo', style: 'spa' });
    expect(site.stats.logins.spa).toBe(1);
  });

  test('a wrong password is 401 invalid_credentials', async () => {
    site = await startDemoSite();
    const res = await login(site, 'nope');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_credentials' });
  });

  test('no token, a tampered token or an expired one: 401 with WWW-Authenticate', async () => {
    site = await startDemoSite({ accessTokenTtlSeconds: 1 });
    const tokens = (await (await login(site)).json()) as Tokens;
    const [header, , signature] = tokens.access_token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...claims(tokens.access_token), sub: 'admin' })).toString('base64url');
    for (const token of [undefined, 'garbage', `${header}.${forged}.${signature}`]) {
      const res = await me(site, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await res.json()).toEqual({ error: 'invalid_token' });
    }
    expect((await me(site, tokens.access_token)).status).toBe(200);
    const exp = claims(tokens.access_token).exp as number;
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    expect((await me(site, tokens.access_token)).status).toBe(401);
  });

  test('the refresh token buys a new access token once: it rotates', async () => {
    site = await startDemoSite({ accessTokenTtlSeconds: 1 });
    const first = (await (await login(site)).json()) as Tokens;
    await new Promise((resolve) => setTimeout(resolve, (claims(first.access_token).exp as number) * 1000 - Date.now() + 50));
    expect((await me(site, first.access_token)).status).toBe(401);
    const res = await refresh(site, first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(site, second.access_token)).status).toBe(200);
    const reused = await refresh(site, first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown, used or expired refresh token.' });
    expect(site.stats.tokenRefreshes).toBe(1);
  });

  test('the token endpoint wants grant_type=refresh_token, as a form or as JSON', async () => {
    site = await startDemoSite();
    const tokens = (await (await login(site)).json()) as Tokens;
    const res = await refresh(site, tokens.refresh_token, 'password');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const json = await fetch(`${site.spa}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    expect(json.status).toBe(200);
  });

  test('expireSessions ends access tokens but keeps refresh tokens; expireAll ends both', async () => {
    site = await startDemoSite();
    const tokens = (await (await login(site)).json()) as Tokens;
    site.expireSessions();
    expect((await me(site, tokens.access_token)).status).toBe(401);
    const renewed = (await (await refresh(site, tokens.refresh_token)).json()) as Tokens;
    expect((await me(site, renewed.access_token)).status).toBe(200);
    site.expireAll();
    expect((await me(site, renewed.access_token)).status).toBe(401);
    expect((await refresh(site, renewed.refresh_token)).status).toBe(400);
  });

  test('/ and /login serve the app shell', async () => {
    site = await startDemoSite();
    for (const path of ['/', '/login']) {
      const res = await fetch(`${site.spa}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("localStorage.setItem('auth'");
    }
  });
});
