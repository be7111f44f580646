import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { testCertificate } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// `rediss://` (issue 19): a real redis-server serving TLS on loopback with a certificate of a CA of
// its own, as managed Redis services do; the CLI trusts it through NODE_EXTRA_CA_CERTS.

let redis: RedisServer;
let port: number;
let dir: string;
let caFile: string;
test.beforeAll(async () => {
  dir = tempDir('sj-redis-tls-');
  const { key, cert } = testCertificate();
  caFile = join(dir, 'cert.pem');
  writeFileSync(caFile, cert);
  writeFileSync(join(dir, 'key.pem'), key, { mode: 0o600 });
  port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  redis = await startRedis(['--tls-port', String(port), '--tls-cert-file', caFile, '--tls-key-file', join(dir, 'key.pem'), '--tls-ca-cert-file', caFile, '--tls-auth-clients', 'no']);
  mkdirSync(join(dir, 'recordings'), { mode: 0o700 });
  const at = new Date().toISOString();
  writeFileSync(join(dir, 'recordings', 'app.json'), JSON.stringify({
    version: 1, generator: 'sessionjar@0.1.0', name: 'app', createdAt: at, updatedAt: at,
    cookies: [{ name: 'sid', value: 'tls-sid-0123456789', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false }],
    origins: [],
  }), { mode: 0o600 });
});
test.afterAll(async () => {
  await redis?.stop();
});

test('push and list over rediss:// with the server\'s CA in NODE_EXTRA_CA_CERTS; without it, a certificate error naming the store', async () => {
  const store = `rediss://127.0.0.1:${port}/0`;
  const trusted = { NODE_EXTRA_CA_CERTS: caFile };
  const pushed = await runCli(dir, ['push', 'app', '--store', store], trusted);
  expect(pushed.status, pushed.stderr).toBe(0);
  const listed = await runCli(dir, ['list', '--json', '--store', store], trusted);
  expect(JSON.parse(listed.stdout).map((entry: { name: string }) => entry.name)).toEqual(['app']);

  const untrusted = await runCli(dir, ['list', '--store', store]);
  expect(untrusted.status).not.toBe(0);
  expect(untrusted.stderr).toContain(`127.0.0.1:${port}`);
  expect(untrusted.stderr).toMatch(/certificate/i);
  expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
});
