import { expect, test } from '@playwright/test';
import type { DemoSite, DemoSiteOptions } from '../../src/demo/site.js';
import { openSession as openLibrarySession } from '../../src/index.js';
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { sessionExpiry } from '../../src/session/expiry.js';
import { readStateRef } from '../../src/session/state-ref.js';
import type { FileStore } from '../../src/store/file-store.js';
import { closeDemoWorkspace, demoWorkspace, launches, recordDemo, startDemo } from '../helpers/demo-sessions.js';

let site: DemoSite;
let dir: string;
let store: FileStore;
let env: NodeJS.ProcessEnv;
let launchLog: string;

test.beforeEach(async () => {
  ({ dir, store, launchLog } = await demoWorkspace('sj-refresh-http-'));
});
test.afterEach(() => closeDemoWorkspace(site, dir));

async function start(options: DemoSiteOptions = {}): Promise<void> {
  ({ site, env } = await startDemo(launchLog, options));
}

test('expiry is read from the login cookie and from the JWT in storage', async () => {
  await start({ sessionTtlSeconds: 3600, accessTokenTtlSeconds: 90 });
  await recordDemo(site, 'form', store, 'form', env);
  await recordDemo(site, 'spa', store, 'spa', env);
  const now = Date.now();
  const form = sessionExpiry(await store.load('form'), { now });
  expect(form).toMatchObject({ state: 'valid', source: 'cookie "sid" (127.0.0.1)' });
  expect(form.expiresAt! - now / 1000).toBeGreaterThan(3500);
  expect(form.expiresAt! - now / 1000).toBeLessThanOrEqual(3600);
  const spa = sessionExpiry(await store.load('spa'), { now, marginSeconds: 60 });
  expect(spa).toMatchObject({ state: 'valid', source: `JWT in localStorage "auth.access_token" (${site.spa})` });
  // The demo rounds exp up to a whole second, so up to 1 s more than the TTL can be left.
  expect(spa.expiresAt! - now / 1000).toBeLessThanOrEqual(91);
  // A token granted for 90 s gets half of that, 45 s, of a 120 s margin: not expiring from the start.
  expect(sessionExpiry(await store.load('spa'), { now, marginSeconds: 120 }).state).toBe('valid');
  expect(sessionExpiry(await store.load('spa'), { now: now + 50_000, marginSeconds: 120 }).state).toBe('expiring');
});

test('library openSession refreshes an expired access token with the refresh token over HTTP: no browser, rotated token saved', async () => {
  await start();
  await recordDemo(site, 'spa', store, 'spa', env);
  const before = await store.load('spa');
  const launchesBefore = await launches(launchLog);
  site.expireSessions();
  const strategies: string[] = [];
  // The library's openSession: auto-refresh is on by default.
  const client = await openLibrarySession('spa', { store, refresh: { env, interactive: false, onRefresh: (r) => strategies.push(r.strategy ?? 'elsewhere') } });
  try {
    const res = await client.request(`${site.spa}/api/me`);
    expect(res.status).toBe(200);
    expect(await res.body.json()).toMatchObject({ user: 'demo', style: 'spa' });
  } finally {
    await client.close();
  }
  expect(strategies).toEqual(['oauth']);
  expect(site.stats.tokenRefreshes).toBe(1);
  expect(site.stats.logins.spa).toBe(1);
  expect(await launches(launchLog)).toBe(launchesBefore);
  const after = await store.load('spa');
  const oauth = after.tokens!.oauth!;
  expect(readStateRef(after, oauth.refreshToken)).not.toBe(readStateRef(before, oauth.refreshToken));
  expect(readStateRef(after, oauth.accessToken!)).not.toBe(readStateRef(before, oauth.accessToken!));
  // The saved session works on its own, with no refresher.
  const plain = await openSession('spa', { store, readOnly: true });
  expect((await plain.request(`${site.spa}/api/me`)).status).toBe(200);
  await plain.close();
});

test('silent single sign-on across the two origins gets a new app session: no browser, no form', async () => {
  await start();
  await recordDemo(site, 'sso', store, 'sso', env);
  const before = await store.load('sso');
  const launchesBefore = await launches(launchLog);
  site.expireSessions();
  const strategies: string[] = [];
  const client = await openSession('sso', { store, refresher: createRefresher({ store, name: 'sso', env, interactive: false, onRefresh: (r) => strategies.push(r.strategy ?? 'elsewhere') }) });
  try {
    const res = await client.request(`${site.app}/api/me`);
    expect(res.status).toBe(200);
    expect(await res.body.json()).toMatchObject({ user: 'demo', style: 'sso' });
  } finally {
    await client.close();
  }
  expect(strategies).toEqual(['silent-sso']);
  expect(site.stats.silentSso).toBe(1);
  expect(site.stats.logins.idp).toBe(1);
  expect(await launches(launchLog)).toBe(launchesBefore);
  const appSid = (s: typeof before) => s.cookies.find((c) => c.name === 'app_sid')?.value;
  expect(appSid(await store.load('sso'))).not.toBe(appSid(before));
});

test('when the identity provider forgot us too, silent SSO fails and says why; the recipe logs in instead', async () => {
  await start();
  await recordDemo(site, 'sso', store, 'sso', env);
  const launchesBefore = await launches(launchLog);
  site.expireAll();
  const lines: string[] = [];
  const { refreshSession } = await import('../../src/refresh/refresher.js');
  const result = await refreshSession({ store, name: 'sso', env, interactive: false, onStatus: (l) => lines.push(l) });
  expect(result.strategy).toBe('recipe');
  expect(result.outcomes.map((o) => `${o.strategy} ${o.outcome}`)).toEqual(['oauth skipped', 'silent-sso failed', 'recipe ok']);
  expect(result.outcomes[1]?.reason).toContain('the identity provider wants a login, its own session has expired');
  expect(lines).toContain('refreshed by recorded recipe (headless browser)');
  expect(await launches(launchLog)).toBe(launchesBefore + 1);
});
