import { expect, test } from '@playwright/test';
import { isSessionjarError } from '../../src/core/errors.js';
import { createRefresher, refreshSession } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import type { Login, Session } from '../../src/session/schema/index.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { IDP_SESSION, startOidcPair, type OidcPair } from '../helpers/oidc-servers.js';
import { cookie, sessionWith } from '../replay/fixtures.js';

/**
 * Issue 17: single sign-on recorded from the page the user wants. The app (127.0.0.1) sends
 * /profile to the identity provider (localhost), which comes back through /callback to /profile:
 * the login URL is a protected page, and the sign-in page is the identity provider's.
 */

let oidc: OidcPair;
test.beforeAll(async () => {
  oidc = await startOidcPair();
});
test.afterAll(() => oidc.close());

function ssoSession(appSid: string, login: Partial<Login>): Session {
  return sessionWith([cookie('app_sid', appSid, '127.0.0.1'), cookie('idp_sid', IDP_SESSION, 'localhost')], {
    name: 'sso',
    login: { url: `${oidc.app.origin}/profile`, env: [], ...login },
  });
}

test('silent SSO refreshes a session whose login URL is the protected page, once the sign-in page is known', async () => {
  const store = new MemoryStore();
  await store.save('sso', ssoSession('expired-one', { signInUrl: `${oidc.idpOrigin}/signin`, returnsToUrl: true }));
  const codes = oidc.codes();
  const log: string[] = [];
  const result = await refreshSession({ store, name: 'sso', interactive: false, env: {}, onStatus: (line) => log.push(line) });
  expect(result.strategy).toBe('silent-sso');
  expect(oidc.codes()).toBe(codes + 1);
  expect(log).toContain(`redirect chain: ${oidc.app.origin}/profile → ${oidc.idpOrigin}/authorize → ${oidc.app.origin}/callback → ${oidc.app.origin}/profile`);
  const saved = await store.load('sso');
  expect(saved.cookies.find((c) => c.name === 'app_sid')?.value).toBe(`app-code-${codes + 1}`);
  expect(saved.login?.signInUrl).toBe(`${oidc.idpOrigin}/signin`);
});

test('without the sign-in page, a probe confirms the silent SSO that the start URL alone would call logged out', async () => {
  const probe = { url: `${oidc.app.origin}/api/me`, method: 'GET' as const, expect: {} };
  const store = new MemoryStore();
  await store.save('sso', ssoSession('expired-two', { probe }));
  const log: string[] = [];
  const result = await refreshSession({ store, name: 'sso', interactive: false, env: {}, onStatus: (line) => log.push(line) });
  expect(result.strategy).toBe('silent-sso');
  expect(result.probe).toMatchObject({ ok: true, status: 200 });
  expect(log).toContain(`the chain ended at ${oidc.app.origin}/profile, which looks logged out (redirect to the login page ${oidc.app.origin}/profile); the probe decides`);

  // The probe is the judge both ways: one that fails keeps the refresh from being saved.
  await store.save('sso', ssoSession('expired-three', { probe: { ...probe, url: `${oidc.app.origin}/nowhere` } }));
  const failed = await refreshSession({ store, name: 'sso', interactive: false, env: {} }).catch((error: unknown) => error);
  expect(isSessionjarError(failed, 'REFRESH_FAILED')).toBe(true);
  expect((failed as Error).message).toContain(`silent single sign-on: failed: the new session did not pass the probe: GET ${oidc.app.origin}/nowhere answered status 404`);
  expect((await store.load('sso')).cookies.find((c) => c.name === 'app_sid')?.value).toBe('expired-three');
});

test('an answer that redirects to the protected start page is not logged out: no refresh, no new login', async () => {
  const store = new MemoryStore();
  await store.save('sso', ssoSession(oidc.appSession(), { signInUrl: `${oidc.idpOrigin}/signin`, returnsToUrl: true }));
  const codes = oidc.codes();
  let refreshes = 0;
  const refresher = createRefresher({ store, name: 'sso', interactive: false, env: {}, onRefresh: () => refreshes++ });
  const client = await openSession('sso', { store, refresher });
  try {
    const home = await client.request(`${oidc.app.origin}/`);
    expect([home.status, home.url, home.redirects.length]).toEqual([200, `${oidc.app.origin}/profile`, 1]);
    expect(await home.body.text()).toContain('profile of alice');
    const posted = await client.request(`${oidc.app.origin}/notes`, { method: 'POST', body: 'text=hi' });
    expect([posted.status, posted.url]).toEqual([200, `${oidc.app.origin}/profile`]);
    await posted.body.text();
    const manual = await client.request(`${oidc.app.origin}/`, { redirect: 'manual' });
    expect([manual.status, manual.headers.location]).toEqual([302, '/profile']);
    await manual.body.text();
  } finally {
    await client.close();
  }
  expect(refreshes).toBe(0);
  expect(oidc.codes()).toBe(codes);
});

test('a redirect to the sign-in page is still logged out: refreshed by silent SSO and retried', async () => {
  const store = new MemoryStore();
  await store.save('sso', ssoSession('expired-five', { signInUrl: `${oidc.idpOrigin}/authorize`, returnsToUrl: true }));
  const codes = oidc.codes();
  let refreshes = 0;
  const refresher = createRefresher({ store, name: 'sso', interactive: false, env: {}, onRefresh: () => refreshes++ });
  const client = await openSession('sso', { store, refresher });
  try {
    // Not following redirects: the app's answer points at the identity provider's sign-in.
    const answer = await client.request(`${oidc.app.origin}/profile`, { redirect: 'manual' });
    expect(answer.status).toBe(200);
    expect(await answer.body.text()).toBe(`profile of alice (app-code-${codes + 1})`);
  } finally {
    await client.close();
  }
  expect(refreshes).toBe(1);
});
