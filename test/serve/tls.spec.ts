import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curl } from '../helpers/curl.js';
import { startGateway, writeSessionFile, type GatewayProcess } from '../helpers/gateway.js';
import { startHttp2Server, startHttpsServer, testCertificate, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// The target's TLS is verified, as `request` verifies it: --cacert to trust a CA, -k to skip.
let target: TestServer;
let dir: string;
let bigFile: string;
const BIG = 3 * 1024 * 1024;
test.beforeAll(async () => {
  target = await startHttpsServer((req, res) => res.end(`cookie: ${req.headers.cookie ?? ''}`));
  dir = tempDir('sj-serve-tls-');
  writeSessionFile(dir, 'app', { sid: 'sid-tls-0123456789' });
  writeFileSync(join(dir, 'ca.pem'), testCertificate().cert);
  bigFile = join(dir, 'big.bin');
  writeFileSync(bigFile, Buffer.alloc(BIG, 7));
});
test.afterAll(() => target.close());

for (const [name, args, status] of [
  ['a self-signed target is refused (502) without --cacert', [], 502],
  ['--cacert trusts it', ['--cacert', 'ca.pem'], 200],
  ['-k skips the check', ['-k'], 200],
] as const) {
  test(name, async () => {
    const gateway = await startGateway(dir, 'app', ['--target', target.origin, ...args.map((a) => (a === 'ca.pem' ? join(dir, a) : a))]);
    try {
      const res = await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, `${gateway.url}/`]);
      expect(res.status).toBe(status);
      if (status === 200) expect(res.body).toBe('cookie: sid=sid-tls-0123456789');
      else expect(res.headers['x-sessionjar-error']).toMatch(/^NETWORK_ERROR: /);
    } finally {
      await gateway.stop();
    }
  });
}

test('--http2: the gateway speaks HTTP/2 to a target that offers it, bodies both ways; without it HTTP/1.1', async () => {
  const seen: { version: string; method: string; cookie: string | undefined; bytes: number }[] = [];
  const h2 = await startHttp2Server((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => {
      seen.push({ version: req.httpVersion, method: req.method ?? '', cookie: req.headers.cookie, bytes });
      res.setHeader('set-cookie', 'h2seen=1; Path=/; Secure');
      res.end(`${req.httpVersion} ${bytes}`);
    });
  });
  const ca = join(dir, 'ca.pem');
  const withToken = (gateway: GatewayProcess) => ['-H', `X-Sessionjar-Token: ${gateway.token}`];
  try {
    const gateway = await startGateway(dir, 'app', ['--target', h2.origin, '--cacert', ca, '--http2', '--read-only']);
    try {
      const get = await curl([...withToken(gateway), `${gateway.url}/`]);
      expect(get.body).toBe('2.0 0');
      // A kept body (up to 1 MiB) and a streamed one (longer, chunked) both go as HTTP/2 DATA.
      const small = await curl([...withToken(gateway), '--data-binary', 'x'.repeat(1000), `${gateway.url}/up`]);
      expect(small.body).toBe('2.0 1000');
      const big = await curl([...withToken(gateway), '-H', 'Transfer-Encoding: chunked', '--data-binary', `@${bigFile}`, `${gateway.url}/up`]);
      expect(big.body).toBe(`2.0 ${BIG}`);
    } finally {
      await gateway.stop();
    }
    expect(seen.map((s) => [s.version, s.method])).toEqual([['2.0', 'GET'], ['2.0', 'POST'], ['2.0', 'POST']]);
    // The cookie set over HTTP/2 is the session's on the next request.
    expect(seen[0]?.cookie).toBe('sid=sid-tls-0123456789');
    expect(seen[1]?.cookie).toBe('sid=sid-tls-0123456789; h2seen=1');
    const plain = await startGateway(dir, 'app', ['--target', h2.origin, '--cacert', ca, '--read-only']);
    try {
      expect((await curl([...withToken(plain), `${plain.url}/`])).body).toBe('1.1 0');
    } finally {
      await plain.stop();
    }
  } finally {
    await h2.close();
  }
});
