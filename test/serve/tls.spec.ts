import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curl } from '../helpers/curl.js';
import { startGateway, writeSessionFile } from '../helpers/gateway.js';
import { startHttpsServer, testCertificate, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// The target's TLS is verified, as `request` verifies it: --cacert to trust a CA, -k to skip.
let target: TestServer;
let dir: string;
test.beforeAll(async () => {
  target = await startHttpsServer((req, res) => res.end(`cookie: ${req.headers.cookie ?? ''}`));
  dir = tempDir('sj-serve-tls-');
  writeSessionFile(dir, 'app', { sid: 'sid-tls-0123456789' });
  writeFileSync(join(dir, 'ca.pem'), testCertificate().cert);
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
