import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startDemoSite, type DemoSite } from '../../src/demo/site.js';
import { parseSession, type Session } from '../../src/session/schema/index.js';
import { bundleCli, connectToCliBrowser, findPage, freePort, startCli, type CliRun } from '../helpers/cli-browser.js';
import { fetchWithFile } from '../helpers/session-http.js';

// The headed browser of an interactive recording needs a display: a virtual one here.
const XVFB = spawnSync('xvfb-run', ['--help']).error === undefined;

let cli: string;
let site: DemoSite;
let dir: string;
let run: CliRun | undefined;

test.beforeAll(async () => {
  cli = await bundleCli('record-cli');
});
test.afterAll(async () => {
  await rm(dirname(cli), { recursive: true, force: true });
});
test.beforeEach(async () => {
  site = await startDemoSite();
  dir = await mkdtemp(join(tmpdir(), 'sj-record-cli-'));
});
test.afterEach(async () => {
  if (run && run.child.exitCode === null) run.child.kill();
  run = undefined;
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, DISPLAY: undefined, WAYLAND_DISPLAY: undefined, ...extra };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

async function sessionFile(name: string): Promise<Session> {
  const file = join(dir, `${name}.json`);
  return parseSession(await readFile(file, 'utf8'), { file });
}

test('--until-cookie ends an interactive recording once a person has logged in', async () => {
  test.skip(!XVFB, 'xvfb-run is not installed (apt-get install xvfb)');
  const port = await freePort();
  run = startCli(cli, ['--dir', dir, 'record', 'person', '--url', `${site.form}/login`, '--until-cookie', 'sid', '--timeout', '60'], {
    display: true,
    env: env({ SESSIONJAR_BROWSER_ARGS: `--remote-debugging-port=${port}` }),
  });
  const browser = await connectToCliBrowser(port, run);
  const page = await findPage(browser, (url) => url.endsWith('/login'));
  await expect.poll(() => run!.stderr(), { timeout: 10_000 }).toContain('waiting for cookie "sid"');
  expect(existsSync(join(dir, 'person.json'))).toBe(false);
  await page.fill('#username', site.credentials.username);
  await page.fill('#password', site.credentials.password);
  await page.click('button[type=submit]');
  expect(await run.exit).toBe(0);
  await browser.close().catch(() => undefined);
  expect(run.stdout()).toContain(`✔ recorded session "person" → ${join(dir, 'person.json')}`);
  expect(run.stdout()).toMatch(/cookies: 2 \(127\.0\.0\.1: (sid, XSRF-TOKEN|XSRF-TOKEN, sid)\)/);
  const session = await sessionFile('person');
  expect(session.login).toEqual({ url: `${site.form}/login`, success: { cookie: 'sid' }, env: [] });
  const me = await fetchWithFile(session, `${site.form}/api/me`);
  expect(me.status).toBe(200);
  expect(run.stdout() + run.stderr()).not.toContain(site.credentials.password);
});

test('--until-request ends a recording at the app\'s first request that carries credentials', async () => {
  test.skip(!XVFB, 'xvfb-run is not installed (apt-get install xvfb)');
  const port = await freePort();
  run = startCli(cli, ['--dir', dir, 'record', 'spa', '--url', `${site.spa}/login`, '--until-request', '**/api/me', '--json'], {
    display: true,
    env: env({ SESSIONJAR_BROWSER_ARGS: `--remote-debugging-port=${port}` }),
  });
  const browser = await connectToCliBrowser(port, run);
  const page = await findPage(browser, (url) => url.endsWith('/login'));
  await page.fill('#username', site.credentials.username);
  await page.fill('#password', site.credentials.password);
  await page.click('button[type=submit]');
  expect(await run.exit).toBe(0);
  await browser.close().catch(() => undefined);
  const summary = JSON.parse(run.stdout()) as { headers: { header: string; from?: string }[]; tokens: { where: string }[] };
  expect(summary.headers).toEqual([{ header: 'Authorization', origins: [site.spa], from: `Bearer localStorage "auth" → access_token (${site.spa})` }]);
  expect(summary.tokens.map((t) => t.where)).toEqual([`localStorage "auth" → access_token (${site.spa})`]);
  const session = await sessionFile('spa');
  expect((await fetchWithFile(session, `${site.spa}/api/me`)).status).toBe(200);
});

test('closing the browser before logging in fails with LOGIN_FAILED and writes nothing', async () => {
  test.skip(!XVFB, 'xvfb-run is not installed (apt-get install xvfb)');
  const port = await freePort();
  run = startCli(cli, ['--dir', dir, 'record', 'gone', '--url', `${site.form}/login`, '--until-cookie', 'sid'], {
    display: true,
    env: env({ SESSIONJAR_BROWSER_ARGS: `--remote-debugging-port=${port}` }),
  });
  const browser = await connectToCliBrowser(port, run);
  const page = await findPage(browser, (url) => url.endsWith('/login'));
  await page.close();
  expect(await run.exit).toBe(12);
  expect(run.stderr()).toContain('sessionjar: error [LOGIN_FAILED]: login failed: the browser was closed before the login finished;');
  expect(existsSync(join(dir, 'gone.json'))).toBe(false);
});

test('no display and no recipe: NO_DISPLAY suggesting --recipe or xvfb-run, exit 13', async () => {
  run = startCli(cli, ['--dir', dir, 'record', 'x', '--url', `${site.form}/login`, '--until-cookie', 'sid'], { env: env() });
  expect(await run.exit).toBe(13);
  expect(run.stderr()).toContain('sessionjar: error [NO_DISPLAY]: no display for an interactive login (DISPLAY and WAYLAND_DISPLAY are unset). Record by recipe instead (--recipe <file>, see docs/recipes.md), or run under a virtual display: xvfb-run -a sessionjar record ...');
});

test('by recipe from the CLI: summary on stdout; an existing session is kept unless --force', async () => {
  const demo = env({ DEMO_USER: site.credentials.username, DEMO_PASSWORD: site.credentials.password });
  const args = ['--dir', dir, 'record', 'form', '--url', `${site.form}/login`, '--recipe', 'src/demo/recipes/form.json'];
  run = startCli(cli, args, { env: demo });
  expect(await run.exit).toBe(0);
  expect(run.stdout()).toContain('header X-XSRF-Token → ' + site.form + ' = cookie "XSRF-TOKEN" (127.0.0.1)');
  const first = await readFile(join(dir, 'form.json'), 'utf8');

  run = startCli(cli, args, { env: demo });
  expect(await run.exit).toBe(5);
  expect(run.stderr()).toContain(`[SESSION_EXISTS]: ${join(dir, 'form.json')} already exists; pass --force to record over it`);
  expect(await readFile(join(dir, 'form.json'), 'utf8')).toBe(first);

  run = startCli(cli, [...args, '--force', '--json'], { env: demo });
  expect(await run.exit).toBe(0);
  expect(JSON.parse(run.stdout())).toMatchObject({ name: 'form', location: join(dir, 'form.json') });
  // A new login over the old: the generation moves on, as after a refresh (store/replace.ts).
  expect((await sessionFile('form')).generation).toBe(1);
});

test('a wrong password from the CLI: exit 12 long before --timeout, the credentials named, a private --debug screenshot, no file', async () => {
  // --timeout 120 against a 30 s test: only the page's answer can end it in time.
  test.setTimeout(30_000);
  run = startCli(cli, ['--dir', dir, 'record', 'bad', '--url', `${site.form}/login`, '--recipe', 'src/demo/recipes/form.json', '--timeout', '120', '--debug'], {
    env: env({ DEMO_USER: 'someone', DEMO_PASSWORD: 'not-the-password' }),
  });
  expect(await run.exit).toBe(12);
  expect(run.stderr()).toContain(
    `sessionjar: error [LOGIN_FAILED]: login failed: ${join(process.cwd(), 'src/demo/recipes/form.json')}: steps[3] (click button[type=submit]): the login form came back after submitting (the page answered 401), saying "Invalid username or password."; check the credentials in $DEMO_USER, $DEMO_PASSWORD; last URL: ${site.form}/login; screenshot: `,
  );
  expect(run.stderr()).not.toContain('not-the-password');
  expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  const screenshot = /; screenshot: (\S+\.png);/.exec(run.stderr())?.[1];
  expect(screenshot).toBeDefined();
  const folder = dirname(screenshot!);
  try {
    expect(dirname(folder)).toBe(tmpdir());
    expect(folder).toMatch(/sessionjar-debug-\w+$/);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(screenshot!)).mode & 0o777).toBe(0o600);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('sessionjar open: a headed browser already logged in, sessionStorage restored; exits when closed', async () => {
  test.skip(!XVFB, 'xvfb-run is not installed (apt-get install xvfb)');
  const demo = env({ DEMO_USER: site.credentials.username, DEMO_PASSWORD: site.credentials.password });
  run = startCli(cli, ['--dir', dir, 'record', 'spa', '--url', `${site.spa}/login`, '--recipe', 'src/demo/recipes/spa.json'], { env: demo });
  expect(await run.exit).toBe(0);
  const recorded = await sessionFile('spa');
  const tabId = recorded.origins[0]?.sessionStorage.tab_id;
  expect(tabId).toBeTruthy();

  const port = await freePort();
  run = startCli(cli, ['--dir', dir, 'open', 'spa', '--url', `${site.spa}/`], { display: true, env: env({ SESSIONJAR_BROWSER_ARGS: `--remote-debugging-port=${port}` }) });
  const browser = await connectToCliBrowser(port, run);
  // applyToContext's setStorageState briefly opens a page of its own: wait for the one that shows the user.
  const signedIn = async () => {
    for (const p of browser.contexts().flatMap((c) => c.pages())) {
      if (await p.locator('[data-user]').count().catch(() => 0)) return p;
    }
    return undefined;
  };
  await expect.poll(signedIn, { timeout: 15_000 }).toBeTruthy();
  const page = (await signedIn())!;
  await expect(page.locator('[data-user]')).toHaveText(site.credentials.username);
  expect(await page.evaluate(() => sessionStorage.getItem('tab_id'))).toBe(tabId);
  expect(site.stats.logins.spa).toBe(1);
  await page.close();
  expect(await run.exit).toBe(0);
  expect(run.stderr()).toContain(`opened ${site.spa}/ as "spa"; close the browser to finish`);
});
