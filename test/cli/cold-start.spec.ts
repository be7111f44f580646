import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';

// A plain `sessionjar request` starts fast by not loading what it does not use; these check what
// the built CLI (npm run build) loads, never how long it takes.

let server: Server;
let origin: string;
let dir: string;
// Printed by the child on exit: whether zod was loaded, and which public built-in modules.
const PROBE = `data:text/javascript,process.on('exit', () => process.stderr.write('PROBE ' + JSON.stringify({ zod: '__zod_globalRegistry' in globalThis, builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice(13)) }) + '\\n'))`;

test.beforeAll(async () => {
  server = createServer((req, res) => res.end(req.headers.cookie === 'sid=s1' ? 'hello' : 'no cookie'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'sessionjar-cold-'));
  const at = new Date().toISOString();
  const session = (extra: object) => ({
    version: 1, generator: 'sessionjar@0.1.0', name: 'plain', createdAt: at, updatedAt: at,
    cookies: [{ name: 'sid', value: 's1', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false }],
    ...extra,
  });
  writeFileSync(join(dir, 'plain.json'), JSON.stringify(session({})), { mode: 0o600 });
  writeFileSync(join(dir, 'login.json'), JSON.stringify(session({ login: { url: `${origin}/login` } })), { mode: 0o600 });
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], cli = CLI): Promise<{ status: number; stdout: string; probe: { zod: boolean; builtins: string[] } }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', PROBE, cli, '--dir', dir, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const line = stderr.split('\n').find((l) => l.startsWith('PROBE ')) ?? 'PROBE {}';
      done({ status: error ? Number(error.code) : 0, stdout, probe: JSON.parse(line.slice(6)) });
    });
  });
}

test('a plain GET loads neither zod, commander, HTTP/2, TLS, undici’s fetch nor crypto', async () => {
  const { status, stdout, probe } = await run(['request', 'plain', `${origin}/`]);
  expect(status).toBe(0);
  expect(stdout).toBe('hello');
  expect(probe.zod).toBe(false);
  // commander loads child_process; undici's HTTP/2 client loads http2 and tls; its fetch loads
  // worker_threads; crypto is for encrypted files and saves, os for locks.
  for (const builtin of ['child_process', 'http2', 'tls', 'worker_threads', 'crypto', 'os']) expect(probe.builtins).not.toContain(builtin);
});

test('a file beyond the quick check is validated by zod, on the same fast path', async () => {
  const { status, stdout, probe } = await run(['request', 'login', `${origin}/`, '--no-refresh']);
  expect(status).toBe(0);
  expect(stdout).toBe('hello');
  expect(probe.zod).toBe(true);
  expect(probe.builtins).not.toContain('child_process');
});

test('a command line the fast path leaves alone still works through commander', async () => {
  const { status, stdout, probe } = await run(['request', '-iX', 'GET', 'plain', `${origin}/`, '--']);
  expect(status).toBe(0);
  expect(stdout).toContain('hello');
  expect(probe.builtins).toContain('child_process');
});

test('a code cache that does not fit the bundle is ignored', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'sessionjar-dist-'));
  try {
    cpSync('dist', copy, { recursive: true });
    const cache = join(copy, 'request.cjs.cache');
    const good = readFileSync(cache);
    // Another bundle's cache (the digest differs), then this bundle's digest with bytes V8 cannot use.
    const foreign = Buffer.from(good);
    foreign[0] = (foreign[0] as number) ^ 0xff;
    const garbage = Buffer.concat([good.subarray(0, 4), Buffer.alloc(good.length - 4, 7)]);
    for (const bad of [foreign, garbage, Buffer.alloc(0)]) {
      writeFileSync(cache, bad);
      const { status, stdout } = await run(['request', 'plain', `${origin}/`], join(copy, 'cli.js'));
      expect(status).toBe(0);
      expect(stdout).toBe('hello');
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('a Set-Cookie with a Domain is checked against the public suffix list, loaded when first needed', async () => {
  // tough-cookie consults tldts (through the bundle's lazy load) only for a Domain attribute.
  const site = createServer((_req, res) => {
    res.setHeader('set-cookie', 'pref=1; Domain=127.0.0.1; Path=/');
    res.end('set');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    writeFileSync(join(dir, 'domain.json'), readFileSync(join(dir, 'plain.json')), { mode: 0o600 });
    const { status, stdout } = await run(['request', 'domain', url]);
    expect(status).toBe(0);
    expect(stdout).toBe('set');
    const saved = JSON.parse(readFileSync(join(dir, 'domain.json'), 'utf8')) as { cookies: { name: string; domain: string }[] };
    expect(saved.cookies.map((c) => [c.name, c.domain])).toEqual([['sid', '127.0.0.1'], ['pref', '127.0.0.1']]);
  } finally {
    await new Promise((resolve) => site.close(resolve));
  }
});

test('the request bundle has no import(): it runs without an ESM loader, so one would fail or warn', () => {
  // code-cache.ts runs dist/request.cjs through vm.Script; its Playwright import (a refresh that logs in again) is a require().
  expect(readFileSync('dist/request.cjs', 'utf8')).not.toMatch(/\bimport\(/);
});

// A cache made under other V8 flags is silently rejected: the CLI then compiles the bundle as if
// there were none. The flags are read from the sources, in the order bin.ts sets them.
test('the code cache the build wrote is accepted under the V8 flags a request runs with', async () => {
  const flagsIn = (file: string) => [...readFileSync(file, 'utf8').matchAll(/setFlagsFromString\('([^']+)'\)/g)].map((m) => m[1]!);
  const flags = [...flagsIn('src/replay/linear-regexp.ts'), ...flagsIn('src/cli/bin.ts')];
  expect(flags).toEqual(['--enable-experimental-regexp-engine', '--liftoff-only']);
  const bundle = join(CLI, '..', 'request.cjs');
  const check = [
    "const { readFileSync } = require('node:fs'); const { Script } = require('node:vm');",
    `const file = ${JSON.stringify(bundle)}; const source = readFileSync(file, 'utf8');`,
    "const script = new Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', { filename: file, cachedData: readFileSync(file + '.cache').subarray(4) });",
    'process.stdout.write(String(script.cachedDataRejected));',
  ].join('\n');
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [...flags, '-e', check], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  expect(out).toBe('false');
});
