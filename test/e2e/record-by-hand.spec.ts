import { expect, test } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startDemoSite, type DemoSite } from '../../src/demo/site.js';
import { parseSession, type Session } from '../../src/session/schema/index.js';
import { totp } from '../../src/session/totp.js';
import { bundleCli, connectToCliBrowser, findPage, freePort, startCli, type CliRun } from '../helpers/cli-browser.js';
import { fetchWithFile } from '../helpers/session-http.js';

/**
 * Issue 17: `sessionjar record <name> --url ...` with no --until-* ends by itself once the signs
 * agree (a password submitted, the sign-in form gone, a new credential). A real CLI under Xvfb with
 * its headed Chromium; the test types into the page key by key over CDP, as a person would.
 */

const XVFB = spawnSync('xvfb-run', ['--help']).error === undefined;
const SCRIPT = spawnSync('script', ['--version']).error === undefined;

let cli: string;
let site: DemoSite | undefined;
let dir: string;
let run: CliRun | undefined;
let terminal: ChildProcess | undefined;

test.beforeAll(async () => {
  cli = await bundleCli('record-by-hand');
});
test.afterAll(async () => {
  await rm(dirname(cli), { recursive: true, force: true });
});
test.beforeEach(async () => {
  test.skip(!XVFB, 'xvfb-run is not installed (apt-get install xvfb)');
  dir = await mkdtemp(join(tmpdir(), 'sj-by-hand-'));
});
test.afterEach(async () => {
  if (run && run.child.exitCode === null) run.child.kill();
  run = undefined;
  if (terminal && terminal.exitCode === null) terminal.kill();
  terminal = undefined;
  await site?.close();
  site = undefined;
  await rm(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete out.DISPLAY;
  delete out.WAYLAND_DISPLAY;
  return out;
}

/** `record <name> --url <url>` by hand, no --until-*: the page of the CLI's browser once it shows `path`. */
async function recordByHand(name: string, url: string, path: string): Promise<Page> {
  const port = await freePort();
  run = startCli(cli, ['--dir', dir, 'record', name, '--url', url, '--timeout', '60', '--json'], {
    display: true,
    env: env({ SESSIONJAR_BROWSER_ARGS: `--remote-debugging-port=${port}` }),
  });
  const browser = await connectToCliBrowser(port, run);
  return findPage(browser, (u) => new URL(u).pathname === path);
}

async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.type(text, { delay: 25 });
}

async function signIn(page: Page, s: DemoSite): Promise<void> {
  await typeInto(page, '#username', s.credentials.username);
  await typeInto(page, '#password', s.credentials.password);
  await page.keyboard.press('Enter');
}

async function sessionFile(name: string): Promise<Session> {
  const file = join(dir, `${name}.json`);
  return parseSession(await readFile(file, 'utf8'), { file });
}

test('a form login by hand ends by itself once the password is in, the form gone and the sid cookie set', async () => {
  site = await startDemoSite();
  const page = await recordByHand('form', `${site.form}/login`, '/login');
  await expect.poll(() => run!.stderr(), { timeout: 15_000 }).toContain('waiting for the login to finish (no password submitted yet)');
  // A mistyped password first: the form comes back, which is no ending.
  await typeInto(page, '#username', site.credentials.username);
  await typeInto(page, '#password', 'not-the-password');
  await page.keyboard.press('Enter');
  await expect.poll(() => run!.stderr(), { timeout: 15_000 }).toContain('waiting for the login to finish (a sign-in form is still shown)');
  await page.locator('#username').clear();
  await signIn(page, site);
  expect(await run!.exit).toBe(0);
  expect(run!.stderr()).toMatch(new RegExp(`logged in, it seems: password submitted at ${site.form}/login, the sign-in form is gone, new [^\\n]*cookie "sid" \\(127\\.0\\.0\\.1\\)`));
  expect(run!.stderr()).toContain('saving in 3 s\n');
  const session = await sessionFile('form');
  expect(session.login).toEqual({ url: `${site.form}/login`, env: [] });
  expect((await fetchWithFile(session, `${site.form}/api/me`)).status).toBe(200);
  expect(run!.stdout() + run!.stderr()).not.toContain(site.credentials.password);
});

test('a TOTP login by hand does not end at the password step, only after the code', async () => {
  site = await startDemoSite({ totp: true });
  const page = await recordByHand('totp', `${site.form}/login`, '/login');
  await signIn(page, site);
  await page.waitForURL('**/login/totp');
  await expect.poll(() => run!.stderr(), { timeout: 15_000 }).toContain('(a one-time code is asked for)');
  // Longer than the 3 s an ending waits for: the signs must not agree while the code is asked for.
  await new Promise((r) => setTimeout(r, 4000));
  expect(run!.child.exitCode).toBeNull();
  expect(run!.stderr()).not.toContain('logged in, it seems');
  await typeInto(page, '#code', totp(site.credentials.totpSecret));
  await page.keyboard.press('Enter');
  expect(await run!.exit).toBe(0);
  expect(run!.stderr()).toMatch(/logged in, it seems: password submitted at \S+\/login, the sign-in form is gone, new [^\n]*cookie "sid"/);
  const session = await sessionFile('totp');
  expect(site.stats.logins.totp).toBe(1);
  expect((await fetchWithFile(session, `${site.form}/api/me`)).status).toBe(200);
});

test('a single-page app by hand ends by itself on the token in localStorage and the Authorization header', async () => {
  site = await startDemoSite();
  const page = await recordByHand('spa', `${site.spa}/login`, '/login');
  await typeInto(page, '#username', site.credentials.username);
  await typeInto(page, '#password', site.credentials.password);
  await page.locator('button[type=submit]').click();
  expect(await run!.exit).toBe(0);
  const detected = /logged in, it seems: ([^\n]*)/.exec(run!.stderr())?.[1] ?? '';
  expect(detected).toContain(`password submitted at ${site.spa}/login, the sign-in form is gone, new `);
  expect(detected).toContain(`localStorage "auth" (${site.spa})`);
  expect(detected).toContain(`an Authorization header to ${site.spa}`);
  const summary = JSON.parse(run!.stdout()) as { headers: { header: string; from?: string }[] };
  expect(summary.headers).toEqual([{ header: 'Authorization', origins: [site.spa], from: `Bearer localStorage "auth" → access_token (${site.spa})` }]);
  expect((await fetchWithFile(await sessionFile('spa'), `${site.spa}/api/me`)).status).toBe(200);
});

test('single sign-on recorded from the protected page learns the identity provider\'s sign-in page, and refreshes by silent SSO', async () => {
  site = await startDemoSite();
  const page = await recordByHand('sso', `${site.app}/profile`, '/authorize');
  await signIn(page, site);
  expect(await run!.exit).toBe(0);
  expect(run!.stderr()).toMatch(new RegExp(`logged in, it seems: password submitted at ${site.idp}/authorize, the sign-in form is gone, new [^\\n]*cookie "app_sid"`));
  const session = await sessionFile('sso');
  expect(session.login).toEqual({ url: `${site.app}/profile`, signInUrl: `${site.idp}/authorize`, returnsToUrl: true, env: [] });

  // The app forgets its sessions; the identity provider still knows the user.
  site.expireSessions();
  run = startCli(cli, ['--dir', dir, 'refresh', 'sso', '-v'], { env: env({}) });
  expect(await run.exit).toBe(0);
  expect(run.stderr()).toContain(`redirect chain: ${site.app}/profile → ${site.idp}/authorize → ${site.app}/callback → ${site.app}/profile`);
  expect(run.stdout()).toMatch(/^sso: refreshed by silent single sign-on/);
  expect(site.stats.silentSso).toBe(1);
  const refreshed = await sessionFile('sso');
  const me = await fetchWithFile(refreshed, `${site.app}/api/me`);
  expect(await me.json()).toMatchObject({ user: 'demo', style: 'sso' });
});

/** The CLI with a terminal for stdin (util-linux `script` makes one) under Xvfb: keys go in by `type`. */
function startInTerminal(args: string[], extra: Record<string, string>): { type: (keys: string) => void; output: () => string; exited: Promise<void> } {
  const command = [process.execPath, cli, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('xvfb-run', ['-a', 'script', '-qfec', `${command}; echo "cli exit status $?"`, '/dev/null'], { env: env(extra), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  terminal = child;
  return {
    type: (keys) => child.stdin.write(keys),
    // eslint-disable-next-line no-control-regex
    output: () => out.replace(/\r?\x1b\[K/g, '\n'),
    exited: new Promise((r) => child.on('exit', () => r())),
  };
}

test('at a terminal, any key during the 3 s keeps the browser open; Enter then saves at once', async () => {
  test.skip(!SCRIPT, 'script (util-linux) is not installed');
  site = await startDemoSite();
  const port = await freePort();
  const term = startInTerminal(['--dir', dir, 'record', 'kept', '--url', `${site.form}/login`, '--timeout', '60'], { SESSIONJAR_BROWSER_ARGS: `--remote-debugging-port=${port}` });
  await expect.poll(() => term.output(), { timeout: 20_000 }).toContain(`opening ${site.form}/login`);
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 10_000 });
  const page = await findPage(browser, (u) => u.endsWith('/login'));
  await expect.poll(() => term.output(), { timeout: 15_000 }).toContain('waiting for the login to finish, or Enter in this terminal');
  await signIn(page, site);
  await expect.poll(() => term.output(), { timeout: 15_000 }).toContain('saving in 3 s: any key keeps the browser open, Enter saves now');
  term.type('x');
  await expect.poll(() => term.output(), { timeout: 5000 }).toContain('going on: press Enter in this terminal when done (or submit a password again)');
  await expect.poll(() => term.output(), { timeout: 5000 }).toContain('waiting for another sign-in, or Enter in this terminal (');
  // Past the 3 s the ending would have waited: still open, nothing saved.
  await new Promise((r) => setTimeout(r, 4000));
  expect(existsSync(join(dir, 'kept.json'))).toBe(false);
  await page.goto(`${site.form}/api/notes`);
  term.type('\r');
  await term.exited;
  expect(term.output()).toContain('cli exit status 0');
  expect(term.output()).toContain(`recorded session "kept"`);
  expect((await fetchWithFile(await sessionFile('kept'), `${site.form}/api/me`)).status).toBe(200);
});

test('a session recorded by hand without --until-* logs in again by hand at a terminal, ending by itself', async () => {
  test.skip(!SCRIPT, 'script (util-linux) is not installed');
  site = await startDemoSite();
  const page = await recordByHand('again', `${site.form}/login`, '/login');
  await signIn(page, site);
  expect(await run!.exit).toBe(0);
  expect((await sessionFile('again')).login?.success).toBeUndefined();
  site.expireSessions();

  const port = await freePort();
  const term = startInTerminal(['--dir', dir, 'refresh', 'again', '-v'], { SESSIONJAR_BROWSER_ARGS: `--remote-debugging-port=${port}` });
  await expect.poll(() => term.output(), { timeout: 20_000 }).toContain(`opening ${site.form}/login`);
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 10_000 });
  await signIn(await findPage(browser, (u) => u.endsWith('/login')), site);
  await term.exited;
  expect(term.output()).toContain('logged in, it seems: password submitted at');
  expect(term.output()).toContain('cli exit status 0');
  expect(term.output()).toMatch(/again: refreshed by interactive login/);
  expect(site.stats.logins.form).toBe(2);
  expect((await fetchWithFile(await sessionFile('again'), `${site.form}/api/me`)).status).toBe(200);
});
