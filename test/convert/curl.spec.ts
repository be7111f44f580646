import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromNetscape, toNetscape } from '../../src/session/convert/index.js';
import { newSession } from '../../src/session/new-session.js';
import type { Cookie } from '../../src/session/schema/index.js';
import { cookiePairs, startCookieServer, type CookieServer } from '../helpers/cookie-server.js';

// Real curl and Python read our cookies.txt; names under example.test reach the loopback server
// through curl's --resolve.
const inAYear = Math.floor(Date.now() / 1000) + 365 * 86400;
const base = { path: '/', expires: null, httpOnly: false, secure: false } as const;
const cookies: Cookie[] = [
  { ...base, name: 'loop', value: 'l1', domain: '127.0.0.1', hostOnly: true, httpOnly: true },
  { ...base, name: 'sid', value: 's%3Aabc.def', domain: 'www.example.test', hostOnly: true, httpOnly: true },
  { ...base, name: 'prefs', value: 'theme=dark&lang=en', domain: 'example.test', hostOnly: false, expires: inAYear },
  { ...base, name: 'q', value: '"quoted=="', domain: 'example.test', hostOnly: false, expires: inAYear },
  { ...base, name: 'api', value: 'a1', domain: 'api.example.test', hostOnly: true },
  { ...base, name: 'deep', value: 'd1', domain: 'example.test', hostOnly: false, path: '/app' },
  { ...base, name: 'tls', value: 't1', domain: 'www.example.test', hostOnly: true, secure: true },
  { ...base, name: 'other', value: 'o1', domain: 'other.test', hostOnly: false, expires: inAYear },
];

let dir: string;
let jarFile: string;
let server: CookieServer;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sj-curl-'));
  jarFile = join(dir, 'cookies.txt');
  server = await startCookieServer([
    'host=h1; Path=/; HttpOnly',
    'wide=w1; Domain=example.test; Path=/; Max-Age=86400',
    'narrow=n1; Path=/app',
  ]);
});
test.afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${file} failed: ${stderr}`)) : resolve(stdout)));
  });
}

function curl(host: string, path: string, ...extra: string[]): Promise<string> {
  const resolveArgs = host === '127.0.0.1' ? [] : ['--resolve', `${host}:${server.port}:127.0.0.1`];
  return run('curl', ['-s', '-f', '-m', '10', ...resolveArgs, ...extra, `http://${host}:${server.port}${path}`]);
}

test('curl -b sends exactly the cookies our cookies.txt export gives each URL', async () => {
  const session = { ...newSession('curl'), cookies };
  await writeFile(jarFile, toNetscape(session).result, { mode: 0o600 });

  expect(await curl('127.0.0.1', '/', '-b', jarFile)).toBe('logged in\n');
  expect(await curl('www.example.test', '/', '-b', jarFile)).toBe('logged in\n');
  await curl('www.example.test', '/app/x', '-b', jarFile);
  await curl('api.example.test', '/', '-b', jarFile);
  expect(server.requests.map((r) => [r.host.split(':')[0], r.path, cookiePairs(r.cookie)])).toEqual([
    ['127.0.0.1', '/', ['loop=l1']],
    // HttpOnly (#HttpOnly_ line) sent; Secure not over http; api/other/deep not for this host or path.
    ['www.example.test', '/', ['prefs=theme=dark&lang=en', 'q="quoted=="', 'sid=s%3Aabc.def']],
    ['www.example.test', '/app/x', ['deep=d1', 'prefs=theme=dark&lang=en', 'q="quoted=="', 'sid=s%3Aabc.def']],
    ['api.example.test', '/', ['api=a1', 'prefs=theme=dark&lang=en', 'q="quoted=="']],
  ]);
});

test('a cookie jar written by curl -c imports with host-only, HttpOnly and paths intact, and curl accepts our export of it', async () => {
  await curl('www.example.test', '/set', '-c', jarFile);
  const { result } = fromNetscape(await readFile(jarFile, 'utf8'), { name: 'from-curl', file: jarFile });
  const byName = Object.fromEntries(result.cookies.map((c) => [c.name, c]));
  expect(byName.host).toMatchObject({ domain: 'www.example.test', hostOnly: true, httpOnly: true, expires: null, value: 'h1' });
  expect(byName.wide).toMatchObject({ domain: 'example.test', hostOnly: false, httpOnly: false, value: 'w1' });
  expect(byName.wide?.expires).toBeGreaterThan(Date.now() / 1000);
  expect(byName.narrow).toMatchObject({ path: '/app', hostOnly: true });

  const again = join(dir, 'again.txt');
  await writeFile(again, toNetscape(result).result);
  await curl('sub.example.test', '/', '-b', again);
  expect(cookiePairs(server.requests.at(-1)?.cookie)).toEqual(['wide=w1']);
});

test('Python\'s http.cookiejar.MozillaCookieJar loads our export', async () => {
  const session = { ...newSession('py'), cookies };
  await writeFile(jarFile, toNetscape(session).result, { mode: 0o600 });
  const script = [
    'import http.cookiejar, json, sys',
    'persistent = http.cookiejar.MozillaCookieJar(sys.argv[1]); persistent.load()',
    'everything = http.cookiejar.MozillaCookieJar(sys.argv[1]); everything.load(ignore_discard=True, ignore_expires=True)',
    'row = lambda c: [c.name, c.value, c.domain, c.path, c.secure, c.has_nonstandard_attr("HTTPOnly")]',
    'print(json.dumps({"persistent": sorted(c.name for c in persistent), "all": sorted(map(row, everything))}))',
  ].join('\n');
  const out = JSON.parse(await run('python3', ['-c', script, jarFile])) as { persistent: string[]; all: unknown[] };
  // Plain load() skips session cookies (expiry 0), as Python does for its own; ignore_* keeps them.
  expect(out.persistent).toEqual(['other', 'prefs', 'q']);
  expect(out.all).toEqual([
    ['api', 'a1', 'api.example.test', '/', false, false],
    ['deep', 'd1', '.example.test', '/app', false, false],
    ['loop', 'l1', '127.0.0.1', '/', false, true],
    ['other', 'o1', '.other.test', '/', false, false],
    ['prefs', 'theme=dark&lang=en', '.example.test', '/', false, false],
    ['q', '"quoted=="', '.example.test', '/', false, false],
    ['sid', 's%3Aabc.def', 'www.example.test', '/', false, true],
    ['tls', 't1', 'www.example.test', '/', true, false],
  ]);
});
