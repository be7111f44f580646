import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startEchoServer,
  startForwardProxy,
  startTlsEchoServer,
  testBytes,
  type EchoServer,
  type ForwardProxy,
} from '../helpers/echo-server.js';

// `sessionjar request` as a user runs it: the built CLI (npm run build) against loopback servers.
const COOKIE_SECRET = 'sid-value-s3cr3t-0123456789';
const TOKEN_SECRET = 'tok-S3CRET-abcdefghijklmnop';

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: Buffer | string } = {}): Promise<Run> {
  const child = spawn(process.execPath, ['dist/cli.js', ...args], {
    env: { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', ALL_PROXY: '', all_proxy: '', ...options.env },
  });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out), stderr });
    }),
  );
}

const echoOf = (run: Run) =>
  JSON.parse(run.stdout.toString()) as { method: string; path: string; headers: Record<string, string>; body: string; httpVersion: string };

/** A recorded session for 127.0.0.1 with a cookie and an origin-bound bearer token. */
function writeSession(dir: string, origins: string[]): string {
  const at = new Date().toISOString();
  const doc = {
    version: 1,
    generator: 'sessionjar@0.1.0',
    name: 'app',
    createdAt: at,
    updatedAt: at,
    cookies: [
      { name: 'sid', value: COOKIE_SECRET, domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, sameSite: 'Lax' },
    ],
    origins: [],
    headers: {
      default: { 'User-Agent': 'sessionjar-test' },
      origins: Object.fromEntries(origins.map((o) => [o, { Authorization: `Bearer ${TOKEN_SECRET}` }])),
      rules: [],
    },
  };
  const file = join(dir, 'app.json');
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  return file;
}

let server: EchoServer;
let tlsServer: EchoServer & { tls: { cert: string } };
let dir: string;

test.beforeAll(async () => {
  server = await startEchoServer();
  tlsServer = await startTlsEchoServer();
});
test.afterAll(async () => {
  await server.close();
  await tlsServer.close();
});
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sj-request-'));
  writeSession(dir, [server.origin, tlsServer.origin]);
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

const req = (...args: string[]) => ['--dir', dir, 'request', 'app', ...args];

test('GET sends the session cookie and origin header, body to stdout, exit 0', async () => {
  const run = await runCli(req(`${server.origin}/echo`));
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const echo = echoOf(run);
  expect(echo.method).toBe('GET');
  expect(echo.headers.cookie).toBe(`sid=${COOKIE_SECRET}`);
  expect(echo.headers.authorization).toBe(`Bearer ${TOKEN_SECRET}`);
  expect(echo.headers['user-agent']).toBe('sessionjar-test');
});

test('the alias req and a session file path work too', async () => {
  const run = await runCli(['req', join(dir, 'app.json'), `${server.origin}/echo`]);
  expect(run.status).toBe(0);
  expect(echoOf(run).headers.cookie).toBe(`sid=${COOKIE_SECRET}`);
});

test('binary body reaches stdout byte for byte', async () => {
  const run = await runCli(req(`${server.origin}/bytes?n=300000`));
  expect(run.status).toBe(0);
  expect(run.stdout.equals(testBytes(300_000))).toBe(true);
});

test('-X and repeated -H', async () => {
  const run = await runCli(req(`${server.origin}/echo`, '-X', 'delete', '-H', 'X-One: 1', '-H', 'X-Two:  two words ', '-H', 'x-one: again'));
  expect(run.status).toBe(0);
  const echo = echoOf(run);
  expect(echo.method).toBe('DELETE');
  expect(echo.headers['x-one']).toBe('1, again');
  expect(echo.headers['x-two']).toBe('two words');
});

test("-H 'Name:' leaves a header out, the session's own too; -H 'Name;' sends it empty", async () => {
  const run = await runCli(req(`${server.origin}/echo`, '-H', 'User-Agent:', '-H', 'Cookie:', '-H', 'X-Empty;'));
  expect(run.status).toBe(0);
  const echo = echoOf(run);
  expect(echo.headers['user-agent']).toBeUndefined();
  expect(echo.headers.cookie).toBeUndefined();
  expect(echo.headers['x-empty']).toBe('');
  expect(echo.headers.authorization).toBe(`Bearer ${TOKEN_SECRET}`);
});

test('a malformed -H is a usage error that does not repeat a value which may hold a credential', async () => {
  const run = await runCli(req(`${server.origin}/echo`, '-H', 'Authorization Bearer gho_NoColonHere'));
  expect(run.status).toBe(2);
  expect(run.stderr).toContain(`-H/--header: a value without a colon is not 'Name: value'`);
  expect(run.stderr).not.toContain('NoColonHere');
  expect(run.stdout.length).toBe(0);
  const badName = await runCli(req(`${server.origin}/echo`, '-H', 'X Bad: secret-value'));
  expect(badName.status).toBe(2);
  expect(badName.stderr).toContain(`-H/--header: "X Bad" is not a header name`);
  expect(badName.stderr).not.toContain('secret-value');
});

test('-d text posts form data; -d @file sends the file unchanged; -d @- reads stdin', async () => {
  const text = echoOf(await runCli(req(`${server.origin}/echo`, '-d', 'a=1&b=2')));
  expect(text.method).toBe('POST');
  expect(text.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(Buffer.from(text.body, 'base64').toString()).toBe('a=1&b=2');

  const bytes = testBytes(70_000);
  writeFileSync(join(dir, 'upload.bin'), bytes);
  const file = echoOf(await runCli(req(`${server.origin}/echo`, '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-d', `@${join(dir, 'upload.bin')}`)));
  expect(file.method).toBe('PUT');
  expect(file.headers['content-type']).toBe('application/octet-stream');
  expect(Buffer.from(file.body, 'base64').equals(bytes)).toBe(true);

  const stdin = echoOf(await runCli(req(`${server.origin}/echo`, '-d', '@-'), { input: 'from stdin\n' }));
  expect(Buffer.from(stdin.body, 'base64').toString()).toBe('from stdin\n');

  const missing = await runCli(req(`${server.origin}/echo`, '-d', '@/nonexistent/x.bin'));
  expect(missing.status).toBe(5);
  expect(missing.stderr).toContain('-d/--data: cannot read "/nonexistent/x.bin" (ENOENT)');
});

test('--json sends JSON with Content-Type and Accept; invalid JSON is a usage error', async () => {
  const echo = echoOf(await runCli(req(`${server.origin}/echo`, '--json', '{"qty":2}')));
  expect(echo.method).toBe('POST');
  expect(echo.headers['content-type']).toBe('application/json');
  expect(echo.headers.accept).toBe('application/json');
  expect(Buffer.from(echo.body, 'base64').toString()).toBe('{"qty":2}');

  const bad = await runCli(req(`${server.origin}/echo`, '--json', '{qty:2}'));
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--json: not valid JSON');
  expect(bad.stderr).not.toContain('{"error"');
});

test('-i prints the status line and headers before the body, cookies redacted', async () => {
  const run = await runCli(req(`${server.origin}/set-cookie?fresh=new-cookie-value-987`, '-i'));
  expect(run.status).toBe(0);
  const text = run.stdout.toString();
  const [head, body] = text.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP 200 OK\r\n/);
  expect(head).toContain('content-type: application/json');
  expect(head).toMatch(/set-cookie: fresh=\[redacted 20 chars\]; Path=\/; HttpOnly/);
  expect(head).not.toContain('new-cookie-value-987');
  expect(JSON.parse(body ?? '').method).toBe('GET');
});

test('-o writes the body to a file and nothing to stdout', async () => {
  const out = join(dir, 'out.bin');
  const run = await runCli(req(`${server.origin}/bytes?n=5000`, '-o', out));
  expect(run.status).toBe(0);
  expect(run.stdout.length).toBe(0);
  expect(readFileSync(out).equals(testBytes(5000))).toBe(true);
});

test('--fail: exit 22 and no body on HTTP ≥ 400; without it the body shows and exit is 0', async () => {
  const failed = await runCli(req(`${server.origin}/status/404`, '--fail'));
  expect(failed.status).toBe(22);
  expect(failed.stdout.length).toBe(0);
  expect(failed.stderr).toContain(`sessionjar: error [HTTP_ERROR]: GET ${server.origin}/status/404 returned HTTP 404 Not Found.`);

  const plain = await runCli(req(`${server.origin}/status/404`));
  expect(plain.status).toBe(0);
  expect(plain.stdout.toString()).toBe('status 404\n');
});

test('--http2 speaks HTTP/2 over TLS; without it HTTP/1.1', async () => {
  const env = { NODE_EXTRA_CA_CERTS: tlsServer.tls.cert };
  const h2 = await runCli(req(`${tlsServer.origin}/echo`, '--http2'), { env });
  expect(h2.stderr).toBe('');
  expect(echoOf(h2).httpVersion).toBe('2.0');
  expect(echoOf(h2).headers.cookie).toBe(`sid=${COOKIE_SECRET}`);
  const h1 = await runCli(req(`${tlsServer.origin}/echo`), { env });
  expect(echoOf(h1).httpVersion).toBe('1.1');
});

test('a self-signed server fails verification (exit 7); --cacert trusts its certificate, -k skips the check', async () => {
  const url = `${tlsServer.origin}/echo`;
  const untrusted = await runCli(req(url));
  expect(untrusted.status).toBe(7);
  expect(untrusted.stderr).toContain(url);
  const pinned = await runCli(req(url, '--cacert', tlsServer.tls.cert));
  expect(pinned.stderr).toBe('');
  expect(echoOf(pinned).headers.cookie).toBe(`sid=${COOKIE_SECRET}`);
  const insecure = await runCli(req(url, '-k'));
  expect(insecure.status).toBe(0);
  expect(echoOf(insecure).headers.authorization).toBe(`Bearer ${TOKEN_SECRET}`);
  const missing = await runCli(req(url, '--cacert', join(dir, 'nope.pem')));
  expect(missing.status).toBe(5);
  expect(missing.stderr).toContain(`--cacert: cannot read "${join(dir, 'nope.pem')}" (ENOENT).`);
  const notPem = await runCli(req(url, '--cacert', join(dir, 'app.json')));
  expect(notPem.status).toBe(5);
  expect(notPem.stderr).toContain('holds no PEM certificate');
});

test.describe('proxies', () => {
  let proxy: ForwardProxy;
  test.beforeEach(async () => {
    proxy = await startForwardProxy();
  });
  test.afterEach(() => proxy.close());

  test('--proxy sends through the proxy', async () => {
    const run = await runCli(req(`${server.origin}/echo`, '--proxy', proxy.url));
    expect(run.status).toBe(0);
    expect(echoOf(run).headers.cookie).toBe(`sid=${COOKIE_SECRET}`);
    expect(proxy.seen.length).toBeGreaterThan(0);
  });

  test('HTTP_PROXY is used, and ignored with --no-trust-env', async () => {
    const env = { HTTP_PROXY: proxy.url, http_proxy: proxy.url, NO_PROXY: '', no_proxy: '' };
    expect((await runCli(req(`${server.origin}/echo`), { env })).status).toBe(0);
    const used = proxy.seen.length;
    expect(used).toBeGreaterThan(0);
    const run = await runCli(req(`${server.origin}/echo`, '--no-trust-env'), { env });
    expect(run.status).toBe(0);
    expect(proxy.seen.length).toBe(used);
  });
});

test('--timeout fires with exit 8 and names the URL', async () => {
  const started = Date.now();
  const run = await runCli(req(`${server.origin}/slow`, '--timeout', '0.5'));
  expect(run.status).toBe(8);
  expect(run.stderr).toContain('[TIMEOUT]');
  expect(run.stderr).toContain(`${server.origin}/slow`);
  expect(Date.now() - started).toBeLessThan(4000);
  const bad = await runCli(req(`${server.origin}/slow`, '--timeout', 'soon'));
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('--timeout: "soon" is not a positive number of seconds');
});

test('--max-redirects: follows up to n hops, fails with exit 9 past it', async () => {
  const ok = await runCli(req(`${server.origin}/redirect/2`, '--max-redirects', '2'));
  expect(ok.status).toBe(0);
  expect(echoOf(ok).path).toBe('/echo');
  const tooMany = await runCli(req(`${server.origin}/redirect/3`, '--max-redirects', '2'));
  expect(tooMany.status).toBe(9);
  expect(tooMany.stderr).toContain('[REDIRECT_ERROR]');
});

test('issue 16: 32 KiB of Set-Cookie chunks are accepted by default; --max-header-size lowers the limit, and past it the error names the option', async () => {
  const big = createServer({ maxHeaderSize: 1 << 20 }, (_req, res) => {
    res.setHeader('set-cookie', Array.from({ length: 8 }, (_, i) => `.AspNetCore.CookiesC${i + 1}=${'x'.repeat(3900)}; Path=/`));
    res.end('signed in');
  });
  await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(big.address() as { port: number }).port}/signin`;
  try {
    const ok = await runCli(req(url));
    expect(ok.stderr).toBe('');
    expect(ok.stdout.toString()).toBe('signed in');
    const names = (JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { cookies: { name: string }[] }).cookies.map((c) => c.name);
    expect(names.filter((n) => n.startsWith('.AspNetCore.'))).toHaveLength(8);
    const small = await runCli(req(url, '--max-header-size', '16384'));
    expect(small.status).toBe(7);
    expect(small.stderr).toContain(`GET ${url}: the response headers exceeded 16384 bytes (maxResponseHeaderBytes). Raise maxResponseHeaderBytes (CLI: --max-header-size <bytes>)`);
    const bad = await runCli(req(url, '--max-header-size', 'lots'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--max-header-size: "lots" is not a whole number of bytes');
  } finally {
    await new Promise((resolve) => big.close(resolve));
  }
});

test('issue 16: a 431 for a Cookie header past the server limit shows as the status, with a note naming the largest cookies', async () => {
  const small = createServer({ maxHeaderSize: 4096 }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => small.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(small.address() as { port: number }).port}/page`;
  const doc = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { name: string; cookies: object[] };
  const plain = { domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false };
  doc.name = 'crowded';
  doc.cookies = [{ name: 'huge', value: 'H'.repeat(3000), ...plain }, ...Array.from({ length: 30 }, (_, i) => ({ name: `c${i}`, value: 'v'.repeat(200), ...plain }))];
  writeFileSync(join(dir, 'crowded.json'), JSON.stringify(doc), { mode: 0o600 });
  try {
    const run = await runCli(['--dir', dir, 'request', 'crowded', url, '-i']);
    expect(run.status).toBe(0);
    expect(run.stdout.toString()).toMatch(/^HTTP 431 Request Header Fields Too Large/);
    expect(run.stderr).toMatch(new RegExp(`^sessionjar: note: ${url} answered 431 Request Header Fields Too Large: the request carried a Cookie header of 9\\.\\d KiB \\(31 cookies; largest: huge \\(2\\.9 KiB\\), c\\d+ \\(20\\d B\\)`));
    expect(run.stderr).not.toContain('HHHH');
    const failed = await runCli(['--dir', dir, 'request', 'crowded', url, '--fail']);
    expect(failed.status).toBe(22);
    expect(failed.stderr).toContain('largest: huge (2.9 KiB)');
  } finally {
    await new Promise((resolve) => small.close(resolve));
  }
});

test('a refused redirect names its URL without the credentials in it', async () => {
  const run = await runCli(req(`${server.origin}/redirect/1?code=C0DE-S3CRET-42&page=2`, '--max-redirects', '0'));
  expect(run.status).toBe(9);
  expect(run.stderr).toContain(`Redirect from ${server.origin}/redirect/1?code=[redacted 14 chars]&page=2 refused`);
  expect(run.stderr).not.toContain('C0DE-S3CRET-42');
});

test('cookie updates are written back, except with --read-only', async () => {
  const file = join(dir, 'app.json');
  const cookieNames = () => (JSON.parse(readFileSync(file, 'utf8')) as { cookies: { name: string }[] }).cookies.map((c) => c.name).sort();

  expect((await runCli(req(`${server.origin}/set-cookie?ro=1`, '--read-only'))).status).toBe(0);
  expect(cookieNames()).toEqual(['sid']);
  expect((await runCli(req(`${server.origin}/set-cookie?rw=1`))).status).toBe(0);
  expect(cookieNames()).toEqual(['rw', 'sid']);
});

test('-v shows every hop on stderr with cookie and token values redacted', async () => {
  const run = await runCli(req(`${server.origin}/set-cookie?next=rotated-cookie-value-42`, '-v', '--no-refresh'));
  expect(run.status).toBe(0);
  expect(run.stderr).toContain(`> GET ${server.origin}/set-cookie?next=rotated-cookie-value-42`);
  expect(run.stderr).toMatch(/^> cookie: sid=\[redacted 27 chars\]$/im);
  expect(run.stderr).toMatch(/^> authorization: Bearer \[redacted 27 chars\]$/im);
  expect(run.stderr).toContain('< 200 OK');
  expect(run.stderr).toMatch(/^< set-cookie: next=\[redacted/im);
  // The new cookie's value is in this URL on purpose; everywhere else it must not appear.
  const withoutUrl = run.stderr.split(`${server.origin}/set-cookie?next=rotated-cookie-value-42`).join('<url>');
  for (const secret of [COOKIE_SECRET, TOKEN_SECRET, 'rotated-cookie-value-42']) expect(withoutUrl).not.toContain(secret);

  const hops = await runCli(req(`${server.origin}/redirect/2`, '-v'));
  expect(hops.status).toBe(0);
  expect(hops.stderr.match(/^> GET /gm)).toHaveLength(3);
  expect(hops.stderr.match(/^< 302 Found$/gm)).toHaveLength(2);
  expect(hops.stderr).not.toContain(COOKIE_SECRET);
  expect(hops.stderr).not.toContain(TOKEN_SECRET);
});

test('a missing session exits 3 and says so', async () => {
  const run = await runCli(['--dir', dir, 'request', 'nope', `${server.origin}/echo`]);
  expect(run.status).toBe(3);
  expect(run.stderr).toContain('[SESSION_NOT_FOUND]');
});

test('a URL that is not absolute http(s) is a usage error', async () => {
  const run = await runCli(req('example.com/path'));
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('<url>: "example.com/path" is not an absolute http(s) URL');
});

test('-o into a missing folder is an I/O error naming the file; a closed stdout pipe ends quietly', async () => {
  const run = await runCli(req(`${server.origin}/bytes?n=100`, '-o', join(dir, 'no', 'such', 'dir', 'x.bin')));
  expect(run.status).toBe(6);
  expect(run.stderr).toContain(`-o ${join(dir, 'no', 'such', 'dir', 'x.bin')}: cannot write the body (ENOENT).`);

  const child = spawn('bash', ['-c', `node dist/cli.js ${req(`${server.origin}/bytes?n=5000000`).join(' ')} | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  expect(err).toBe('');
  expect(out.trim()).toBe('0');
});

test('--reveal shows the secret values -v would redact', async () => {
  const run = await runCli(req(`${server.origin}/echo`, '-v', '--reveal'));
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(new RegExp(`^> cookie: sid=${COOKIE_SECRET}$`, 'im'));
  expect(run.stderr).toMatch(new RegExp(`^> authorization: Bearer ${TOKEN_SECRET}$`, 'im'));
});
