import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newSession } from '../../src/session/new-session.js';
import { serializeSession, type Session } from '../../src/session/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { bundleCli } from '../helpers/cli-browser.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Known secrets go into a session; every output path of every command is run through the CLI
 * (bundled from the current source) and stdout + stderr are searched for them.
 */

/**
 * Every command the CLI has, as `--help` lists them: each has rows in cases() below or a reason in
 * NOT_HERE. A command missing from the CLI fails the test, and so does a new one until it is here
 * (and its output paths are in cases()).
 */
const COMMANDS = ['record', 'open', 'request', 'pool', 'status', 'refresh', 'list', 'inspect', 'edit', 'import', 'export', 'rm', 'encrypt', 'decrypt', 'doctor', 'demo', 'schema', 'serve', 'exec', 'push', 'pull', 'help'];

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'demo', exp: Math.floor(Date.now() / 1000) + 3600 })}.SIGNATUREjwtSECRETpart0123456789`;
const SECRETS = {
  cookie: 'COOKIEsecret-7f3a9c2e41d8b6',
  authorization: 'AUTHheaderSECRET-5e8d2b7c9a41',
  storageToken: 'STORAGEtokenSECRET-c4a1e9d7b3f2',
  ruleSource: 'RULEsourceSECRET-9b2d6f1a8e3c',
  defaultHeader: 'APIKEYdefaultSECRET-1d7e3a9c5b',
  jwt: JWT,
  jwtSignature: 'SIGNATUREjwtSECRETpart0123456789',
  rotated: 'ROTATEDcookieSECRET-2f8b4d6a0c',
  brokenFile: 'BROKENfileSECRET-6a0c2e4f8b1d',
  passphrase: 'PASSPHRASEsecret-3c5e7a9b1d',
};

function sessionFor(origin: string): Session {
  const s = newSession('jar');
  s.cookies.push({ name: 'sid', value: SECRETS.cookie, domain: '127.0.0.1', hostOnly: true, path: '/', expires: Math.floor(Date.now() / 1000) + 7200, httpOnly: true, secure: false });
  s.headers.default['X-Api-Key'] = SECRETS.defaultHeader;
  s.headers.origins[origin] = { Authorization: `Bearer ${SECRETS.authorization}` };
  s.headers.rules.push({ header: 'X-Rule-Token', from: { storage: 'localStorage', origin, key: 'ruleToken' }, template: 'Token {value}', origins: [origin] });
  s.origins.push({
    origin,
    localStorage: { ruleToken: SECRETS.ruleSource, auth: JSON.stringify({ access_token: SECRETS.storageToken, id_token: JWT }) },
    sessionStorage: { jwt: JWT },
  });
  s.login = { url: `${origin}/login`, env: [], probe: { url: `${origin}/api/me`, method: 'GET', expect: {} } };
  return s;
}

interface Run {
  args: string[];
  code: number | null;
  out: string;
}

let bundle: string;

function cli(dir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['SESSIONJAR_PASSPHRASE', 'SESSIONJAR_KEY_FILE', 'SESSIONJAR_DEBUG', 'DISPLAY', 'WAYLAND_DISPLAY']) delete base[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bundle, '--dir', dir, ...args],
      { env: { ...base, ...env }, timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ args, code, out: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** A secret leaks when it, or any 12 characters of it, appear (an excerpt is a leak too). */
function leaks(run: Run): string[] {
  return Object.entries(SECRETS)
    .filter(([name, value]) => {
      if (run.out.includes(value)) return true;
      // A JWT's first segment is the same standard header in every token: not evidence of a leak.
      if (name === 'jwt') return false;
      for (let i = 0; i + 12 <= value.length; i++) if (run.out.includes(value.slice(i, i + 12))) return true;
      return false;
    })
    .map(([name]) => name);
}

let server: TestServer;
let commands: Set<string>;

test.beforeAll(async () => {
  bundle = await bundleCli('redaction');
  server = await startHttpServer((req, res) => {
    const cookie = req.headers.cookie ?? '';
    const authorized = cookie.includes('sid=') && req.headers.authorization?.startsWith('Bearer ');
    if (req.url === '/api/me' && authorized) {
      res.setHeader('Set-Cookie', `sid=${SECRETS.rotated}; Path=/; HttpOnly; Max-Age=7200`);
      res.setHeader('Content-Type', 'application/json');
      res.end('{"user":"demo"}');
    } else if (req.url === '/fail') {
      res.statusCode = 500;
      res.end('server trouble');
    } else {
      res.statusCode = authorized ? 404 : 401;
      res.end('no');
    }
  });
  const help = await cli('recordings', ['--help']);
  commands = new Set([...help.out.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!));
});

test.afterAll(async () => {
  await server.close();
  rmSync(dirname(bundle), { recursive: true, force: true });
});

/** Each row: a command and its arguments. */
function cases(origin: string, dir: string): [string, string[], Record<string, string>?][] {
  const me = `${origin}/api/me`;
  const debug = { SESSIONJAR_DEBUG: '1' };
  return [
    ['list', ['list']],
    ['list', ['list', '--json']],
    ['inspect', ['inspect', 'jar']],
    ['inspect', ['inspect', 'jar', '--json']],
    ['export', ['export', 'jar', '--to', 'netscape', '-o', join(dir, 'out', 'cookies.txt')]],
    ['export', ['export', 'jar', '--to', 'httpie', '--url', me, '-o', join(dir, 'out', 'httpie.json'), '--json']],
    ['export', ['export', 'jar', '--to', 'playwright', '-o', join(dir, 'out', 'state.json'), '--json']],
    ['export', ['export', 'jar', '--to', 'cookie-header', '--url', me, '-o', join(dir, 'out', 'cookie-header.txt')]],
    ['import', ['import', join(dir, 'in', 'state.json'), '--as', 'imported', '--json']],
    ['import', ['import', join(dir, 'in', 'broken-state.json'), '--as', 'imported2'], debug],
    ['request', ['request', 'jar', me, '-v']],
    ['request', ['request', 'jar', me, '-i', '-v', '--read-only']],
    ['request', ['request', 'jar', `${origin}/fail`, '--fail', '-v']],
    ['request', ['request', 'jar', `${origin}/fail`, '--fail', '--json', '{}'], debug],
    ['request', ['request', 'jar', 'http://127.0.0.1:1/refused', '-v'], debug],
    ['status', ['status', 'jar']],
    // A pool of one (jar-pool, a copy of jar): its request path and its state.
    ['request', ['request', '--pool', 'jar', me, '-i', '-v']],
    ['pool', ['pool', 'status', 'jar']],
    ['pool', ['pool', 'status', 'jar', '--json']],
    ['status', ['status', 'jar', '--json', '--probe']],
    ['refresh', ['refresh', 'jar', '--no-interactive', '-v'], debug],
    ['refresh', ['refresh', 'jar', '--no-interactive', '--json']],
    ['open', ['open', 'jar'], debug],
    ['doctor', ['doctor']],
    ['doctor', ['doctor', '--json']],
    ['edit', ['edit', 'jar', '--header-rule', `X-Extra=Token localStorage:ruleToken@${origin}`, '--header-origin', origin, '--header', 'X-Other-Key: k']],
    ['edit', ['edit', 'jar', '--remove-header-rule', 'X-Extra', '--remove-header', 'X-Other-Key', '--header-origin', origin, '--json']],
    ['request', ['request', 'jar', me, '--csrf-from', me, '--csrf-field', 'csrf', '-v'], debug],
    // A file that is not valid JSON: V8 quotes the text around the error, which holds a cookie value.
    ['inspect', ['inspect', 'broken'], debug],
    ['request', ['request', 'broken', me], debug],
    ['status', ['status', 'broken', '--json']],
    ['edit', ['edit', 'broken', '--header', 'X-A: 1'], debug],
    ['list', ['list']],
    ['rm', ['rm', 'broken', '--json']],
  ];
}

for (const encrypted of [false, true]) {
  test(`no secret reaches stdout or stderr of any command (${encrypted ? 'encrypted' : 'plain'} session file)`, async () => {
    test.setTimeout(180_000);
    const dir = tempDir('sj-redact-');
    chmodSync(dir, 0o700);
    writeFileSync(join(dir, 'jar.json'), serializeSession(sessionFor(server.origin)), { mode: 0o600 });
    writeFileSync(join(dir, 'jar-pool.json'), serializeSession({ ...sessionFor(server.origin), name: 'jar-pool' }), { mode: 0o600 });
    writeFileSync(join(dir, 'broken.json'), `{"version":1,"cookies":[{"name":"sid","value":${SECRETS.brokenFile}}]}`, { mode: 0o600 });
    const env: Record<string, string> = encrypted ? { SESSIONJAR_PASSPHRASE: SECRETS.passphrase } : {};
    if (encrypted) {
      const run = await cli(dir, ['encrypt', 'jar'], env);
      expect(run.code, run.out).toBe(0);
      expect(leaks(run)).toEqual([]);
    }
    let ran = 0;
    const exits: string[] = [];
    mkdirSync(join(dir, 'in'));
    mkdirSync(join(dir, 'out'));
    const state = { cookies: [{ name: 'sid', value: SECRETS.cookie, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [{ origin: server.origin, localStorage: [{ name: 'auth', value: SECRETS.storageToken }] }] };
    writeFileSync(join(dir, 'in', 'state.json'), JSON.stringify(state));
    writeFileSync(join(dir, 'in', 'broken-state.json'), JSON.stringify(state).replace(`"${SECRETS.cookie}"`, SECRETS.cookie));
    for (const [command, args, extra] of cases(server.origin, dir)) {
      expect([...commands], `sessionjar --help lists no ${command} command`).toContain(command);
      const run = await cli(dir, args, { ...env, ...extra });
      ran++;
      exits.push(`${args.slice(0, 2).join(' ')}${args.includes('broken') ? ' (broken file)' : ''} → ${run.code}`);
      expect(leaks(run), `sessionjar ${args.join(' ')} printed:\n${run.out}`).toEqual([]);
    }
    expect(statSync(join(dir, 'out', 'cookies.txt')).mode & 0o777).toBe(0o600);
    // The session really was used: the rotated cookie was written back (and stays encrypted).
    const stored = await cli(dir, ['request', 'jar', `${server.origin}/api/me`], env);
    expect(stored.out).toContain('{"user":"demo"}');
    const onDisk = readFileSync(join(dir, 'jar.json'), 'utf8');
    if (encrypted) {
      expect(JSON.parse(onDisk)).toMatchObject({ version: 1, encrypted: { format: 'aes-256-gcm' } });
      expect(onDisk).not.toContain(SECRETS.cookie);
      for (const args of [['request', 'jar', `${server.origin}/api/me`, '-v'], ['inspect', 'jar'], ['list']]) {
        const wrong = await cli(dir, args, { SESSIONJAR_PASSPHRASE: 'wrong', SESSIONJAR_DEBUG: '1' });
        expect(wrong.out).toMatch(/ENCRYPTION_ERROR|cannot decrypt/);
        expect(leaks(wrong), wrong.out).toEqual([]);
      }
      const decrypted = await cli(dir, ['decrypt', 'jar'], env);
      expect(decrypted.code, decrypted.out).toBe(0);
      expect(leaks(decrypted)).toEqual([]);
      expect(readFileSync(join(dir, 'jar.json'), 'utf8')).toContain(SECRETS.rotated);
    } else {
      expect(onDisk).toContain(SECRETS.rotated);
    }
    test.info().annotations.push({ type: 'commands run', description: String(ran) }, { type: 'exit statuses', description: exits.join('; ') });
  });
}

/** Commands with no row above, and why. */
const NOT_HERE: Record<string, string> = {
  help: 'prints no session data',
  schema: 'prints the JSON Schema, no session data',
  demo: 'logs into its own demo site with its own throwaway credentials, no user session',
  record: 'needs a browser: its output is checked in test/e2e/encryption.spec.ts',
  serve: 'a gateway that runs until stopped: test/serve/reverse.spec.ts checks its start and log lines carry no cookie, token or query',
  exec: 'prints only what its command prints, through the gateway that test/serve/reverse.spec.ts checks',
  push: 'needs a redis-server: test/cli/redis-store.spec.ts runs it; it prints the session name and where it went, no value',
  pull: 'needs a redis-server: test/cli/redis-store.spec.ts runs it; it prints the session name and where it came from, no value',
  encrypt: 'run by the encrypted variant above',
  decrypt: 'run by the encrypted variant above',
};

test('the secret grep covers every command, and the CLI has each command it covers', () => {
  expect([...commands].sort()).toEqual([...COMMANDS].sort());
  const covered = new Set(cases('http://127.0.0.1:1', '/x').map(([command]) => command));
  for (const command of COMMANDS) expect(covered.has(command) || command in NOT_HERE, `${command}: no row in cases() and no reason in NOT_HERE`).toBe(true);
  for (const command of [...covered, ...Object.keys(NOT_HERE)]) expect(COMMANDS, command).toContain(command);
});

test('--reveal shows the values where showing is the point', async () => {
  const dir = tempDir('sj-reveal-');
  writeFileSync(join(dir, 'jar.json'), serializeSession(sessionFor(server.origin)), { mode: 0o600 });
  const run = await cli(dir, ['inspect', 'jar', '--reveal']);
  expect(run.out).toContain(SECRETS.cookie);
});

test('a one-character value reads "[redacted 1 char]"', async () => {
  const dir = tempDir('sj-redact-one-');
  mkdirSync(join(dir, 'recordings'), { mode: 0o700 });
  const s = newSession('one');
  s.cookies.push({ name: 'sid', value: 'x', domain: 'app.example', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true });
  writeFileSync(join(dir, 'recordings', 'one.json'), serializeSession(s), { mode: 0o600 });
  const out = await runCli(dir, ['inspect', 'one']);
  expect(out.status).toBe(0);
  expect(out.stdout).toContain('[redacted 1 char]');
  expect(out.stdout).not.toContain('1 chars');
});
