import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSessionjarError } from '../../src/core/errors.js';
import { startDemoSite, type DemoSite } from '../../src/demo/site.js';
import { applyToContext } from '../../src/record/apply.js';
import { loginWithRecipe } from '../../src/record/login.js';
import { recordSession } from '../../src/record/record.js';
import { exportSession, importSession } from '../../src/session/convert/index.js';
import { parseSession, type Session } from '../../src/session/schema/index.js';
import { readStateRef, writeStateRef } from '../../src/session/state-ref.js';
import { FileStore } from '../../src/store/file-store.js';
import { openSession, openSessionFrom } from '../../src/replay/client.js';
import type { ReplayEvent } from '../../src/replay/options.js';

const RECIPES = 'src/demo/recipes';

let site: DemoSite;
let dir: string;
let store: FileStore;

test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sj-record-'));
  store = new FileStore({ dir });
});
test.afterEach(async () => {
  await site?.close();
  await rm(dir, { recursive: true, force: true });
});

function demoEnv(s: DemoSite, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DEMO_USER: s.credentials.username, DEMO_PASSWORD: s.credentials.password, DEMO_TOTP_SECRET: s.credentials.totpSecret, ...overrides };
}

/** GET url over plain HTTP (no browser) with the replay client; status and JSON body. */
async function replay(name: string, url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  await using client = await openSession(name, { store, readOnly: true });
  const res = await client.fetch(url, { ...init, headers: { Accept: 'application/json', ...(init.headers as Record<string, string>) } });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function loadFile(name: string) {
  const file = join(dir, `${name}.json`);
  return { file, text: await readFile(file, 'utf8'), session: parseSession(await readFile(file, 'utf8'), { file }) };
}

test('form login: recorded by recipe, replayed over plain HTTP, CSRF header kept as a cookie rule', async () => {
  site = await startDemoSite();
  const result = await recordSession({ name: 'form', url: `${site.form}/login`, recipe: `${RECIPES}/form.json`, env: demoEnv(site), store });
  const { session, text } = await loadFile('form');
  expect(text).not.toContain(site.credentials.password);
  expect(session.cookies.map((c) => c.name).sort()).toEqual(['XSRF-TOKEN', 'sid']);
  expect(session.headers.default['User-Agent']).toMatch(/Chrome\//);
  expect(session.headers.rules).toEqual([
    { header: 'X-XSRF-Token', from: { cookie: 'XSRF-TOKEN', domain: '127.0.0.1', path: '/' }, template: '{value}', origins: [site.form] },
  ]);
  expect(session.login).toMatchObject({ url: `${site.form}/login`, env: ['DEMO_USER', 'DEMO_PASSWORD'] });
  expect(session.login?.steps?.[1]).toEqual({ fill: '#username', value: '${env:DEMO_USER}' });
  expect(result.summary.cookies).toEqual([{ domain: '127.0.0.1', count: 2, names: expect.arrayContaining(['sid', 'XSRF-TOKEN']) }]);
  expect(result.summary.earliestCookieExpiry?.name).toBe('sid');

  expect(await replay('form', `${site.form}/api/me`)).toMatchObject({ status: 200, body: { user: 'demo' } });
  // The CSRF-protected POST passes only with the X-XSRF-Token the rule derives from the cookie.
  const note = await replay('form', `${site.form}/api/notes`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"hi"}' });
  expect(note.status).toBeLessThan(300);
});

test('SPA: bearer rule from a JSON field in localStorage follows the stored token; sessionStorage and IndexedDB captured', async () => {
  site = await startDemoSite({ accessTokenTtlSeconds: 120 });
  const result = await recordSession({ name: 'spa', url: `${site.spa}/login`, recipe: `${RECIPES}/spa.json`, env: demoEnv(site), store });
  const { session } = await loadFile('spa');
  const origin = session.origins.find((o) => o.origin === site.spa);
  expect(Object.keys(origin?.localStorage ?? {})).toEqual(['auth']);
  expect(origin?.sessionStorage.tab_id).toMatch(/^[a-z0-9]+$/);
  expect(origin?.indexedDB?.[0]).toMatchObject({ name: 'app', stores: [{ name: 'prefs' }] });
  const authRef = { storage: 'localStorage', origin: site.spa, key: 'auth' } as const;
  expect(session.headers.rules).toEqual([
    { header: 'Authorization', from: { ...authRef, jsonPath: 'access_token' }, template: 'Bearer {value}', origins: [site.spa] },
  ]);
  expect(session.headers.origins).toEqual({});
  // Issue 10: the same session as a Playwright storageState imports with the rule the recording made.
  const roundTrip = importSession(exportSession(session, 'playwright').result, { name: 'spa', file: 'state.json', format: 'playwright' });
  expect(roundTrip.result.headers.rules).toEqual(session.headers.rules);
  expect(session.tokens?.jwts).toEqual([{ from: { ...authRef, jsonPath: 'access_token' }, exp: expect.any(Number) }]);
  expect(session.tokens?.jwts[0]?.exp).toBeGreaterThan(Date.now() / 1000 + 60);
  expect(session.tokens?.oauth).toEqual({
    tokenEndpoint: `${site.spa}/oauth/token`,
    refreshToken: { ...authRef, jsonPath: 'refresh_token' },
    accessToken: { ...authRef, jsonPath: 'access_token' },
  });
  expect(result.summary.tokens[0]?.where).toBe(`localStorage "auth" → access_token (${site.spa})`);
  expect(session.login?.tokenEndpoint).toBe(`${site.spa}/oauth/token`);
  // A repeated login (what refresh runs) finds the token endpoint again from the login block.
  expect((await loginWithRecipe(session.login!, { env: demoEnv(site) })).tokens?.oauth?.tokenEndpoint).toBe(`${site.spa}/oauth/token`);

  expect(await replay('spa', `${site.spa}/api/me`)).toMatchObject({ status: 200, body: { user: 'demo' } });
  // A new token pair from the token endpoint, written where the rule reads: the header follows.
  const refreshed = await fetch(`${site.spa}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: readStateRef(session, session.tokens!.oauth!.refreshToken)! }),
  });
  const pair = (await refreshed.json()) as { access_token: string };
  expect(pair.access_token).not.toBe(readStateRef(session, session.tokens!.oauth!.accessToken!));
  const updated = writeStateRef(session, session.tokens!.oauth!.accessToken!, pair.access_token);
  const sent: Record<string, string>[] = [];
  const onEvent = (e: ReplayEvent) => e.type === 'request' && sent.push(e.headers);
  await using client = await openSessionFrom(updated, { readOnly: true, onEvent });
  expect((await client.fetch(`${site.spa}/api/me`)).status).toBe(200);
  const authorization = Object.entries(sent[0] ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  expect(authorization).toBe(`Bearer ${pair.access_token}`);
  // Never sent to another origin.
  await client.fetch(`${site.form}/api/me`);
  expect(Object.keys(sent[1] ?? {}).map((k) => k.toLowerCase())).not.toContain('authorization');
});

test('cross-origin SSO: cookies of both origins captured and the app answers over plain HTTP', async () => {
  site = await startDemoSite();
  await recordSession({ name: 'sso', url: `${site.app}/login`, recipe: `${RECIPES}/sso.json`, env: demoEnv(site), store });
  const { session } = await loadFile('sso');
  const byDomain = Object.fromEntries(session.cookies.map((c) => [c.name, c.domain]));
  expect(byDomain).toMatchObject({ app_sid: '127.0.0.1', idp_session: 'localhost' });
  expect(await replay('sso', `${site.app}/api/me`)).toMatchObject({ status: 200, body: { user: 'demo' } });
  // Issue 17: the password went in on the identity provider's page; the login went on to the app's
  // home, not back to /login, so /login stays a login page too.
  expect(session.login).toMatchObject({ url: `${site.app}/login`, signInUrl: `${site.idp}/authorize` });
  expect(session.login?.returnsToUrl).toBeUndefined();
});

test('TOTP step: the one-time code is computed from the secret in the environment', async () => {
  site = await startDemoSite({ totp: true });
  await recordSession({ name: 'mfa', url: `${site.form}/login`, recipe: `${RECIPES}/form-totp.json`, env: demoEnv(site), store });
  const { session, text } = await loadFile('mfa');
  expect(site.stats.logins.totp).toBe(1);
  expect(text).not.toContain(site.credentials.totpSecret);
  expect(session.login?.env).toEqual(['DEMO_USER', 'DEMO_PASSWORD', 'DEMO_TOTP_SECRET']);
  expect(session.cookies.map((c) => c.name)).toContain('sid');
  expect(await replay('mfa', `${site.form}/api/me`)).toMatchObject({ status: 200, body: { user: 'demo' } });
});

test('a wrong password fails fast with LOGIN_FAILED: the form came back, the credentials\' variables named; no file written', async () => {
  // Far longer than the test may run: the failure must come from what the page shows, not the timeout.
  test.setTimeout(30_000);
  site = await startDemoSite();
  const wrong = 'wrong-password-123';
  const error = await recordSession({
    name: 'bad',
    url: `${site.form}/login`,
    recipe: `${RECIPES}/form.json`,
    // Another user: "demo", a value typed, would be scrubbed from the recipe's path (src/demo/...).
    env: demoEnv(site, { DEMO_USER: 'someone', DEMO_PASSWORD: wrong }),
    store,
    timeoutMs: 120_000,
  }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'LOGIN_FAILED')).toBe(true);
  const message = (error as Error).message;
  expect(message).toContain(
    `login failed: ${join(process.cwd(), RECIPES, 'form.json')}: steps[3] (click button[type=submit]): the login form came back after submitting (the page answered 401), saying "Invalid username or password."; check the credentials in $DEMO_USER, $DEMO_PASSWORD; last URL: ${site.form}/login;`,
  );
  expect(message).not.toContain(wrong);
  expect(existsSync(join(dir, 'bad.json'))).toBe(false);
});

test('a wrong password in a single-page app fails fast on the error it shows in the same page', async () => {
  test.setTimeout(30_000);
  site = await startDemoSite();
  const error = await recordSession({ name: 'bad', url: `${site.spa}/login`, recipe: `${RECIPES}/spa.json`, env: demoEnv(site, { DEMO_PASSWORD: 'nope-nope' }), store, timeoutMs: 120_000 }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'LOGIN_FAILED')).toBe(true);
  expect((error as Error).message).toContain(': steps[3] (click button[type=submit]): the page shows "Invalid username or password." after submitting, with the login form still there; check the credentials in $DEMO_USER, $DEMO_PASSWORD;');
});

test('a wrong password before a second factor fails fast instead of waiting for the code field', async () => {
  test.setTimeout(30_000);
  site = await startDemoSite({ totp: true });
  const error = await recordSession({ name: 'bad', url: `${site.form}/login`, recipe: `${RECIPES}/form-totp.json`, env: demoEnv(site, { DEMO_PASSWORD: 'nope-nope' }), store, timeoutMs: 120_000 }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'LOGIN_FAILED')).toBe(true);
  expect((error as Error).message).toContain(': steps[3] (click button[type=submit]): the login form came back after submitting (the page answered 401)');
});

test('a step that cannot run names its index and action; secrets typed before it are scrubbed', async () => {
  site = await startDemoSite();
  const recipe = join(dir, 'broken.yaml');
  await writeFile(recipe, 'steps:\n  - fill: "#password"\n    value: "${env:DEMO_PASSWORD}"\n  - click: "#no-such-button"\n');
  const error = await recordSession({ name: 'broken', url: `${site.form}/login`, recipe, env: demoEnv(site), store, timeoutMs: 3000 }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'LOGIN_FAILED')).toBe(true);
  expect((error as Error).message).toMatch(new RegExp(`^login failed: ${recipe.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: steps\\[1\\] \\(click #no-such-button\\) failed: page\\.click: Timeout \\d+ms exceeded\\.; last URL: ${site.form}/login;`));
  expect((error as Error).message).not.toContain(site.credentials.password);
  expect(existsSync(join(dir, 'broken.json'))).toBe(false);
});

test('a script recipe gets page, env and totp; the names it read are kept, the browser launch is logged', async () => {
  site = await startDemoSite({ totp: true });
  const script = join(dir, 'login.mjs');
  await writeFile(
    script,
    `export default async ({ page, env, totp }) => {
  await page.fill('#username', env.DEMO_USER);
  await page.fill('#password', env.DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.fill('#code', totp(env.DEMO_TOTP_SECRET));
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-user]');
};\n`,
  );
  const launchLog = join(dir, 'launches.log');
  await recordSession({ name: 'scripted', url: `${site.form}/login`, recipe: script, env: demoEnv(site, { SESSIONJAR_LAUNCH_LOG: launchLog }), store });
  const { session, text } = await loadFile('scripted');
  expect(session.login).toMatchObject({ url: `${site.form}/login`, recipe: script, env: ['DEMO_USER', 'DEMO_PASSWORD', 'DEMO_TOTP_SECRET'] });
  expect(session.login?.steps).toBeUndefined();
  expect(text).not.toContain(site.credentials.password);
  expect((await readFile(launchLog, 'utf8')).trim().split('\n')).toHaveLength(1);
  expect(await replay('scripted', `${site.form}/api/me`)).toMatchObject({ status: 200 });
});

test('loginWithRecipe repeats the recorded login and returns fresh state without saving it', async () => {
  site = await startDemoSite();
  await recordSession({ name: 'again', url: `${site.form}/login`, recipe: `${RECIPES}/form.json`, env: demoEnv(site), store });
  const { session, text } = await loadFile('again');
  const fresh = await loginWithRecipe(session.login!, { env: demoEnv(site) });
  expect(site.stats.logins.form).toBe(2);
  const sid = (s: Session) => s.cookies.find((c) => c.name === 'sid')?.value;
  expect(sid(fresh)).toBeTruthy();
  expect(sid(fresh)).not.toBe(sid(session));
  expect(fresh.login).toEqual(session.login);
  expect(await readFile(join(dir, 'again.json'), 'utf8')).toBe(text);
});

test('applyToContext puts cookies, localStorage, IndexedDB and sessionStorage back into a browser', async ({ browser }) => {
  site = await startDemoSite();
  await recordSession({ name: 'spa', url: `${site.spa}/login`, recipe: `${RECIPES}/spa.json`, env: demoEnv(site), store });
  const { session } = await loadFile('spa');
  const context = await browser.newContext();
  await applyToContext(context, session);
  const page = await context.newPage();
  await page.goto(`${site.spa}/`);
  await expect(page.locator('[data-user]')).toHaveText('demo');
  expect(site.stats.logins.spa).toBe(1);
  expect(await page.evaluate(() => sessionStorage.getItem('tab_id'))).toBe(session.origins[0]?.sessionStorage.tab_id);
  const prefs = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('app');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('prefs').objectStore('prefs').get('ui');
          get.onsuccess = () => resolve(get.result);
        };
      }),
  );
  expect(prefs).toEqual({ theme: 'dark', lang: 'en' });
  await context.close();
});

test('an interactive recording ends with Enter on its input; the status line says what it waits for', async () => {
  site = await startDemoSite();
  const input = new PassThrough();
  const status: string[] = [];
  const recording = recordSession({ name: 'enter', url: `${site.form}/login`, interactive: true, headed: false, input, env: demoEnv(site), store, onStatus: (line) => status.push(line) });
  await expect.poll(() => status.some((l) => l.startsWith('waiting for the login to finish, or Enter in this terminal (no password submitted yet) (0s, gives up in ')), { timeout: 20_000 }).toBe(true);
  input.write('\n');
  const { session, summary } = await recording;
  expect(session.login).toEqual({ url: `${site.form}/login`, env: [] });
  expect(summary.cookies.map((c) => c.names).flat()).toEqual(['presid']);
  expect(existsSync(join(dir, 'enter.json'))).toBe(true);
});
