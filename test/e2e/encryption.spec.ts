import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startDemoSite, type DemoSite } from '../../src/demo/site.js';
import { FileStore } from '../../src/store/file-store.js';
import { fixedKeyProvider } from '../../src/store/keys.js';
import { bundleCli, startCli } from '../helpers/cli-browser.js';

const PASSPHRASE = 'e2e passphrase, typed nowhere';
const RECIPE = resolve(import.meta.dirname, '../../src/demo/recipes/form.json');

let cli: string;
let site: DemoSite;
let dir: string;

test.beforeAll(async () => {
  cli = await bundleCli('encryption');
});
test.afterAll(async () => {
  await rm(dirname(cli), { recursive: true, force: true });
});
test.beforeEach(async () => {
  site = await startDemoSite();
  dir = await mkdtemp(join(tmpdir(), 'sj-encryption-e2e-'));
});
test.afterEach(async () => {
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, DEMO_USER: site.credentials.username, DEMO_PASSWORD: site.credentials.password };
  for (const name of ['SESSIONJAR_PASSPHRASE', 'SESSIONJAR_KEY_FILE', 'DISPLAY', 'WAYLAND_DISPLAY']) delete out[name];
  return { ...out, ...extra };
}

async function sj(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(cli, ['--dir', dir, ...args], { env: env(extra) });
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

async function envelope(): Promise<{ text: string; doc: { version: number; encrypted: Record<string, string> } }> {
  const text = await readFile(join(dir, 'demo.json'), 'utf8');
  return { text, doc: JSON.parse(text) };
}

test('record --encrypt → request → write-back: the file is encrypted from the first byte and stays so', async () => {
  const key = { SESSIONJAR_PASSPHRASE: PASSPHRASE };
  const recorded = await sj(['record', 'demo', '--url', `${site.form}/login`, '--recipe', RECIPE, '--encrypt'], key);
  expect(recorded.code, recorded.stderr).toBe(0);
  const first = await envelope();
  expect(first.doc.encrypted).toMatchObject({ format: 'aes-256-gcm', kdf: 'scrypt' });
  expect((await stat(join(dir, 'demo.json'))).mode & 0o777).toBe(0o600);
  const store = new FileStore({ dir, keys: fixedKeyProvider({ passphrase: PASSPHRASE }) });
  const sid = (await store.load('demo')).cookies.find((c) => c.name === 'sid')!.value;
  expect(first.text).not.toContain(sid);
  // The recording's summary names what it captured without showing it.
  for (const secret of [sid, site.credentials.password]) expect(recorded.stdout + recorded.stderr).not.toContain(secret);

  const me = await sj(['request', 'demo', `${site.form}/api/me`], key);
  expect(me.code, me.stderr).toBe(0);
  expect(JSON.parse(me.stdout)).toEqual({ user: site.credentials.username, style: 'form' });

  // /login sets a `presid` cookie: the client writes it back, into the encrypted file.
  const login = await sj(['request', 'demo', `${site.form}/login`], key);
  expect(login.code, login.stderr).toBe(0);
  const second = await envelope();
  expect(second.doc.encrypted.salt).toBe(first.doc.encrypted.salt);
  expect(second.doc.encrypted.nonce).not.toBe(first.doc.encrypted.nonce);
  const after = await store.load('demo');
  expect(after.cookies.map((c) => c.name)).toEqual(expect.arrayContaining(['sid', 'presid']));
  expect(second.text).not.toContain(after.cookies.find((c) => c.name === 'presid')!.value);

  // Still usable after the write-back.
  const again = await sj(['request', 'demo', `${site.form}/api/me`], key);
  expect(again.code, again.stderr).toBe(0);
});

test('encrypted: a wrong passphrase and no passphrase both exit 14, name the fix, and leave the file as it was', async () => {
  const recorded = await sj(['record', 'demo', '--url', `${site.form}/login`, '--recipe', RECIPE, '--encrypt'], { SESSIONJAR_PASSPHRASE: PASSPHRASE });
  expect(recorded.code, recorded.stderr).toBe(0);
  const before = await readFile(join(dir, 'demo.json'));

  const wrong = await sj(['request', 'demo', `${site.form}/api/me`], { SESSIONJAR_PASSPHRASE: 'not the passphrase' });
  expect(wrong.code).toBe(14);
  expect(wrong.stderr).toContain(
    'sessionjar: error [ENCRYPTION_ERROR]: ' + join(dir, 'demo.json') + ': cannot decrypt: wrong passphrase, or the file was modified (authentication failed). Nothing of it was used and the file was left unchanged.',
  );
  expect(wrong.stdout).toBe('');

  const none = await sj(['request', 'demo', `${site.form}/api/me`]);
  expect(none.code).toBe(14);
  expect(none.stderr).toContain(`sessionjar: error [PASSPHRASE_REQUIRED]: ${join(dir, 'demo.json')}: encrypted with a passphrase and none is available: set SESSIONJAR_PASSPHRASE or run in a terminal to type it.`);

  expect((await readFile(join(dir, 'demo.json'))).equals(before)).toBe(true);
});

test('record --encrypt without any key fails before the browser starts', async () => {
  const started = Date.now();
  const launchLog = join(dir, 'launches.log');
  const run = await sj(['record', 'demo', '--url', `${site.form}/login`, '--recipe', RECIPE, '--encrypt'], { SESSIONJAR_LAUNCH_LOG: launchLog });
  expect(run.code).toBe(14);
  expect(run.stderr).toContain('[PASSPHRASE_REQUIRED]');
  expect(run.stderr).toContain('set SESSIONJAR_PASSPHRASE, or SESSIONJAR_KEY_FILE');
  await expect(readFile(launchLog)).rejects.toThrow(/ENOENT/);
  await expect(stat(join(dir, 'demo.json'))).rejects.toThrow(/ENOENT/);
  expect(Date.now() - started).toBeLessThan(15_000);
});

test('the passphrase typed at a terminal is not echoed, and encrypts the file', async () => {
  const hasScript = await new Promise<boolean>((r) => execFile('script', ['--version'], (error) => r(!error)));
  test.skip(!hasScript, 'util-linux `script` is needed for a pseudo-terminal');
  const recorded = await sj(['record', 'demo', '--url', `${site.form}/login`, '--recipe', RECIPE]);
  expect(recorded.code, recorded.stderr).toBe(0);
  const typed = 'typed-at-the-tty-4242';
  // `script` gives the CLI a pseudo-terminal; the input arrives after the prompt is up.
  const command = `${process.execPath} ${cli} --dir ${dir} encrypt demo`;
  const output = await new Promise<string>((done) => {
    const child = execFile('script', ['-qec', command, '/dev/null'], { env: env(), timeout: 30_000 }, (_error, stdout) => done(stdout));
    setTimeout(() => child.stdin?.write(`${typed}\r`), 1500);
    setTimeout(() => child.stdin?.write(`${typed}\r`), 2500);
  });
  expect(output).toContain('Passphrase for');
  expect(output).toContain('Repeat the passphrase:');
  expect(output).toContain(`encrypted ${join(dir, 'demo.json')}`);
  expect(output).not.toContain(typed);
  const store = new FileStore({ dir, keys: fixedKeyProvider({ passphrase: typed }) });
  expect((await store.load('demo')).cookies.some((c) => c.name === 'sid')).toBe(true);
});
