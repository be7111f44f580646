import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runDoctor, type DoctorCheck } from '../../src/record/doctor.js';
import { encryptSession } from '../../src/session/envelope.js';
import { newSession } from '../../src/session/new-session.js';
import { serializeSession, type Session } from '../../src/session/schema/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = Date.parse('2026-11-25T09:00:00Z');

function session(name: string, expires: number | null, now = NOW): Session {
  const s = newSession(name, new Date(now - 3600_000));
  s.cookies.push({ name: 'sid', value: 'abcdef123456', domain: '127.0.0.1', hostOnly: true, path: '/', expires, httpOnly: true, secure: false });
  return s;
}

function byId(checks: DoctorCheck[], id: string): DoctorCheck {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${JSON.stringify(checks.map((c) => c.id))}`);
  return found;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

/**
 * A repository with a recordings folder git would commit, loosely permitted, holding an expired and
 * an encrypted session, dated around `now` (the CLI runs on the real clock).
 */
async function brokenSetup(now = NOW): Promise<{ repo: string; dir: string }> {
  const repo = tempDir('sj-doctor-');
  git(repo, 'init', '-q');
  const dir = join(repo, 'recordings');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'old.json'), serializeSession(session('old', now / 1000 - 600, now)), { mode: 0o644 });
  chmodSync(join(dir, 'old.json'), 0o644);
  const sealed = await encryptSession(serializeSession(session('locked', now / 1000 + 86_400, now)), { passphrase: 'pw-for-doctor' });
  writeFileSync(join(dir, 'locked.json'), JSON.stringify(sealed), { mode: 0o600 });
  return { repo, dir };
}

test('doctor on a broken set-up finds each problem, with a fix for each', async () => {
  const { repo, dir } = await brokenSetup();
  const report = await runDoctor({
    dir,
    cwd: repo,
    env: { SESSIONJAR_BROWSER: join(repo, 'no-such-browser') },
    now: NOW,
    nodeVersion: '20.11.0',
    interactive: false,
  });
  expect(report.ok).toBe(false);
  const c = report.checks;
  expect(byId(c, 'node')).toMatchObject({ status: 'fail', message: 'Node.js 20.11.0 is older than 20.18.1' });
  expect(byId(c, 'browser')).toMatchObject({ status: 'fail', message: `SESSIONJAR_BROWSER: no browser at "${join(repo, 'no-such-browser')}". Give the path of a Chrome or Chromium executable.` });
  expect(byId(c, 'permissions').status).toBe('fail');
  expect(byId(c, 'permissions').message).toContain('(0755)');
  expect(byId(c, 'permissions').message).toContain('old.json (0644)');
  expect(byId(c, 'permissions').fix).toContain(`chmod 600 ${join(dir, 'old.json')}`);
  expect(byId(c, 'git')).toMatchObject({ status: 'fail', fix: `echo '/recordings/' >> ${join(repo, '.gitignore')}` });
  expect(byId(c, 'session:old')).toMatchObject({ status: 'fail', message: 'old: expired 2026-11-25T08:50:00.000Z (cookie "sid" (127.0.0.1))', fix: 'sessionjar record old --url <login-url>' });
  expect(byId(c, 'session:locked')).toMatchObject({ status: 'fail', message: 'locked: encrypted, and no passphrase or key is available' });
  expect(byId(c, 'session:locked').fix).toContain('SESSIONJAR_PASSPHRASE');
});

test('doctor on the same set-up, fixed, passes; it changed nothing itself', async () => {
  const { repo, dir } = await brokenSetup();
  const broken = await runDoctor({ dir, cwd: repo, env: {}, now: NOW, interactive: false });
  // Doctor only reads: the loose modes are still there after it ran.
  expect(byId(broken.checks, 'permissions').status).toBe('fail');
  chmodSync(dir, 0o700);
  chmodSync(join(dir, 'old.json'), 0o600);
  writeFileSync(join(repo, '.gitignore'), '/recordings/\n');
  writeFileSync(join(dir, 'old.json'), serializeSession(session('old', NOW / 1000 + 86_400)), { mode: 0o600 });
  const report = await runDoctor({ dir, cwd: repo, env: { SESSIONJAR_PASSPHRASE: 'pw-for-doctor' }, now: NOW, interactive: false });
  expect(report.checks.filter((ch) => ch.status !== 'ok')).toEqual([]);
  expect(report.ok).toBe(true);
  expect(byId(report.checks, 'session:locked').message).toBe('locked: encrypted, valid until 2026-11-26T09:00:00.000Z (cookie "sid" (127.0.0.1))');
  expect(byId(report.checks, 'git').message).toBe('recordings is ignored by git'.replace('recordings', dir));
});

test('doctor: a session file already committed is reported with `git rm --cached`; a wrong passphrase is an error', async () => {
  const { repo, dir } = await brokenSetup();
  chmodSync(join(dir, 'old.json'), 0o600);
  git(repo, 'add', 'recordings/old.json');
  git(repo, 'commit', '-q', '-m', 'oops');
  writeFileSync(join(repo, '.gitignore'), '/recordings/\n');
  const report = await runDoctor({ dir, cwd: repo, env: { SESSIONJAR_PASSPHRASE: 'wrong' }, now: NOW, interactive: false });
  expect(byId(report.checks, 'git')).toMatchObject({ status: 'fail', message: 'session files are tracked by git: recordings/old.json' });
  expect(byId(report.checks, 'git').fix).toMatch(/^git rm --cached recordings\/old\.json/);
  expect(byId(report.checks, 'session:locked').status).toBe('fail');
  expect(byId(report.checks, 'session:locked').message).toMatch(/cannot decrypt: wrong passphrase, or the file was modified/);
});

test('doctor: a key file other users can read, or one that holds no key, needs fixing', async () => {
  const outside = tempDir('sj-doctor-key-');
  const keyFile = join(outside, 'key');
  writeFileSync(keyFile, 'ab'.repeat(32), { mode: 0o644 });
  chmodSync(keyFile, 0o644);
  const opts = { dir: join(outside, 'recordings'), cwd: outside, now: NOW, interactive: false };
  let report = await runDoctor({ ...opts, env: { SESSIONJAR_KEY_FILE: keyFile } });
  expect(byId(report.checks, 'key-file')).toMatchObject({ status: 'fail', message: `SESSIONJAR_KEY_FILE ${keyFile} has mode 0644: other users can read the key`, fix: `chmod 600 ${keyFile}` });
  chmodSync(keyFile, 0o600);
  report = await runDoctor({ ...opts, env: { SESSIONJAR_KEY_FILE: keyFile } });
  expect(byId(report.checks, 'key-file').status).toBe('ok');
  writeFileSync(keyFile, 'short');
  report = await runDoctor({ ...opts, env: { SESSIONJAR_KEY_FILE: keyFile } });
  expect(byId(report.checks, 'key-file').status).toBe('fail');
  expect(byId(report.checks, 'key-file').message).not.toContain('short');
});

test('doctor outside a git repository: nothing would be committed; a missing folder is fine', async () => {
  const outside = tempDir('sj-doctor-nogit-');
  const report = await runDoctor({ dir: join(outside, 'recordings'), cwd: outside, env: {}, now: NOW, interactive: false });
  expect(byId(report.checks, 'git')).toMatchObject({ status: 'ok', message: 'not in a git repository: nothing would be committed' });
  expect(byId(report.checks, 'permissions').status).toBe('ok');
  expect(byId(report.checks, 'node').status).toBe('ok');
});

test('sessionjar doctor: exit 1 and a fix per problem; --json gives the same checks; exit 0 once fixed', async () => {
  const { bundleCli, startCli } = await import('../helpers/cli-browser.js');
  const cli = await bundleCli('doctor');
  const { repo, dir } = await brokenSetup(Date.now());
  const env: NodeJS.ProcessEnv = { ...process.env, SESSIONJAR_BROWSER: join(repo, 'nowhere') };
  delete env.SESSIONJAR_PASSPHRASE;
  const run = (...args: string[]) => {
    const r = startCli(cli, ['--dir', dir, 'doctor', ...args], { env });
    return r.exit.then((code) => ({ code, stdout: r.stdout(), stderr: r.stderr() }));
  };
  const human = await run();
  expect(human.code).toBe(1);
  expect(human.stdout).toMatch(/^FAIL {2}browser {6}SESSIONJAR_BROWSER: no browser at/m);
  expect(human.stdout).toMatch(/^FAIL {2}session:locked locked: encrypted, and no passphrase or key is available\n {6}fix: set SESSIONJAR_PASSPHRASE/m);
  expect(human.stdout).toContain('something needs fixing (see FAIL above)');
  const json = await run('--json');
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout) as { ok: boolean; checks: DoctorCheck[] };
  expect(report.ok).toBe(false);
  expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id).sort()).toEqual(['browser', 'permissions', 'session:locked', 'session:old']);
  // The git check looks at the repository of the working directory (this one, which ignores nothing in /tmp).
  chmodSync(dir, 0o700);
  chmodSync(join(dir, 'old.json'), 0o600);
  writeFileSync(join(dir, 'old.json'), serializeSession(session('old', Date.now() / 1000 + 86_400, Date.now())));
  env.SESSIONJAR_PASSPHRASE = 'pw-for-doctor';
  delete env.SESSIONJAR_BROWSER;
  const fixed = await run();
  expect(fixed.stdout).toContain('no problems found');
  expect(fixed.code).toBe(0);
  rmSync(dirname(cli), { recursive: true, force: true });
});

test('doctor: an undated session is told how to ask the server: its probe, or the edit that adds one', async () => {
  const dir = tempDir('sj-doctor-undated-');
  const login = { url: 'http://127.0.0.1/login', env: [] };
  const probe = { url: 'http://127.0.0.1/api/me', method: 'GET' as const, expect: {} };
  const sessions: Session[] = [session('imported', null), { ...session('byhand', null), login }, { ...session('probed', null), login: { ...login, probe } }];
  for (const s of sessions) writeFileSync(join(dir, `${s.name}.json`), serializeSession(s), { mode: 0o600 });
  const report = await runDoctor({ dir, cwd: dir, env: {}, now: NOW, nodeVersion: '20.20.0', interactive: false });
  expect(byId(report.checks, 'session:imported').message).toBe(
    'imported: no expiry known (session cookies only); add a probe to ask the server: `sessionjar edit imported --login-url <url> --probe <url>`, then `sessionjar status imported --probe`',
  );
  expect(byId(report.checks, 'session:byhand').message).toBe(
    'byhand: no expiry known (session cookies only); add a probe to ask the server: `sessionjar edit byhand --probe <url>`, then `sessionjar status byhand --probe`',
  );
  expect(byId(report.checks, 'session:probed').message).toBe('probed: no expiry known (session cookies only); `sessionjar status probed --probe` asks the server');
});
