import { expect, test } from '@playwright/test';
import { startDemoSite } from '../../src/demo/site.js';
import type { DemoSite } from '../../src/demo/site.js';
import type { IndexedDBDatabase } from '../../src/session/schema/v1.js';
import { totp } from '../../src/session/totp.js';

// The demo pages in a real browser, driven with the selectors the bundled recipes use.

let site: DemoSite;
test.afterEach(async () => site?.close());

test('SPA: the page logs in, keeps tokens in localStorage, a tab id in sessionStorage, prefs in IndexedDB, and calls the API with Bearer', async ({ page }) => {
  site = await startDemoSite();
  const bearer = page.waitForRequest((r) => r.url() === `${site.spa}/api/me` && !!r.headers().authorization);
  await page.goto(`${site.spa}/login`);
  await page.fill('#username', site.credentials.username);
  await page.fill('#password', site.credentials.password);
  await page.click('button[type=submit]');
  await expect(page.locator('[data-user]')).toHaveText('demo');
  await expect(page).toHaveURL(`${site.spa}/`);

  const auth = JSON.parse((await page.evaluate(() => localStorage.getItem('auth')))!) as Record<string, unknown>;
  expect(Object.keys(auth).sort()).toEqual(['access_token', 'expires_at', 'refresh_token', 'token_type']);
  expect((await bearer).headers().authorization).toBe(`Bearer ${auth.access_token as string}`);
  expect(await page.evaluate(() => sessionStorage.getItem('tab_id'))).toMatch(/^[a-z0-9]+$/);

  const state = await page.context().storageState({ indexedDB: true });
  // Playwright's type for origins predates its indexedDB option.
  const origin = (state.origins as { origin: string; indexedDB?: IndexedDBDatabase[] }[]).find((o) => o.origin === site.spa)!;
  expect(origin.indexedDB?.map((db) => [db.name, db.stores.map((s) => s.name)])).toEqual([['app', ['prefs']]]);
  expect(origin.indexedDB?.[0]?.stores[0]?.records).toEqual([{ key: 'ui', value: { theme: 'dark', lang: 'en' } }]);
  expect(site.stats.logins.spa).toBe(1);
});

test('SPA: an expired access token is renewed by the page with the refresh token', async ({ page }) => {
  site = await startDemoSite();
  await page.goto(`${site.spa}/login`);
  await page.fill('#username', site.credentials.username);
  await page.fill('#password', site.credentials.password);
  await page.click('button[type=submit]');
  await expect(page.locator('[data-user]')).toHaveText('demo');
  const before = await page.evaluate(() => localStorage.getItem('auth'));
  site.expireSessions();
  await page.goto(`${site.spa}/`);
  await expect(page.locator('[data-user]')).toHaveText('demo');
  expect(await page.evaluate(() => localStorage.getItem('auth'))).not.toBe(before);
  expect(site.stats).toMatchObject({ tokenRefreshes: 1, logins: { spa: 1 } });
});

test('form with TOTP: the home page echoes the XSRF-TOKEN cookie in X-XSRF-TOKEN', async ({ page }) => {
  site = await startDemoSite({ totp: true });
  const xsrf = page.waitForRequest((r) => r.url() === `${site.form}/api/me`);
  await page.goto(`${site.form}/login`);
  await page.fill('#username', site.credentials.username);
  await page.fill('#password', site.credentials.password);
  await page.click('button[type=submit]');
  await page.fill('#code', totp(site.credentials.totpSecret));
  await page.click('button[type=submit]');
  await expect(page.locator('[data-user]')).toHaveText('demo');
  const cookies = await page.context().cookies(site.form);
  expect(cookies.find((c) => c.name === 'sid')?.httpOnly).toBe(true);
  expect((await xsrf).headers()['x-xsrf-token']).toBe(cookies.find((c) => c.name === 'XSRF-TOKEN')?.value);
  expect(site.stats.logins).toMatchObject({ form: 1, totp: 1 });
});

test('SSO: the browser crosses to the identity provider on localhost and back; a second visit needs no form', async ({ page }) => {
  site = await startDemoSite();
  await page.goto(`${site.app}/login`);
  await expect(page).toHaveURL(new RegExp(`^${site.idp}/authorize`));
  await page.fill('#username', site.credentials.username);
  await page.fill('#password', site.credentials.password);
  await page.click('button[type=submit]');
  await expect(page.locator('[data-user]')).toHaveText('demo');
  await expect(page).toHaveURL(`${site.app}/`);
  const names = (await page.context().cookies([site.idp, site.app])).map((c) => `${c.domain} ${c.name}`).sort();
  expect(names).toEqual(['127.0.0.1 app_sid', 'localhost idp_session']);

  site.expireSessions();
  await page.goto(`${site.app}/login`);
  await expect(page.locator('[data-user]')).toHaveText('demo');
  expect(site.stats).toMatchObject({ silentSso: 1, logins: { idp: 1 } });
});
