import { expect, test } from '@playwright/test';
import { networkInterfaces } from 'node:os';
import { runCli } from '../helpers/cli.js';
import { curl } from '../helpers/curl.js';
import { startGateway, writeSessionFile } from '../helpers/gateway.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTarget, type Target } from './target.js';

// Who may use the gateway: a bind beyond loopback, and the token as a proxy's credentials.
let target: Target;
let dir: string;
const SID = 'sid-bind-0123456789';

test.beforeEach(async () => {
  target = await startTarget();
  dir = tempDir('sj-serve-bind-');
  writeSessionFile(dir, 'app', { sid: SID });
});
test.afterEach(() => target.close());

/**
 * An address of this machine that is not loopback (the first IPv4 of a network interface); without
 * one, the wildcard 0.0.0.0, which listens on every interface and so counts as not loopback.
 */
function outsideAddress(): string {
  const all = Object.values(networkInterfaces()).flat();
  return all.find((a) => a !== undefined && !a.internal && a.family === 'IPv4')?.address ?? '0.0.0.0';
}

test('--bind to an address that is not loopback warns, asks for the token and refuses --no-token', async () => {
  const address = outsideAddress();
  const refused = await runCli(dir, ['--dir', dir, 'serve', 'app', '--target', target.origin, '--bind', address, '--no-token']);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toContain(`--no-token: refused on ${address}, which is not loopback`);

  const gateway = await startGateway(dir, 'app', ['--target', target.origin, '--bind', address]);
  try {
    expect(new URL(gateway.url).hostname).toBe(address);
    // The warning goes to stderr before the start line; the pipe may hand it over a moment later.
    for (let i = 0; i < 100 && !gateway.stderr().includes('binding'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gateway.stderr()).toContain(`binding ${address}: anyone who can reach it and has the token acts as the recorded user`);
    const without = await curl([`${gateway.url}/me`]);
    expect(without.status).toBe(401);
    expect(target.seen).toEqual([]);
    const withToken = await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, `${gateway.url}/me`]);
    expect(withToken.status).toBe(200);
    expect(JSON.parse(withToken.body).cookie).toBe(`sid=${SID}`);
  } finally {
    await gateway.stop();
  }
});

test('--bind 0.0.0.0 answers to the addresses of the interfaces it listens on (with the token), not only to "0.0.0.0"', async () => {
  const gateway = await startGateway(dir, 'app', ['--target', target.origin, '--bind', '0.0.0.0']);
  try {
    const port = new URL(gateway.url).port;
    for (const address of ['127.0.0.1', outsideAddress(), 'localhost']) {
      if (address === '0.0.0.0') continue;
      const answer = await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, `http://${address}:${port}/me`]);
      expect(answer.status, address).toBe(200);
    }
    // Still no other name: DNS rebinding.
    const rebound = await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, '-H', `Host: evil.example:${port}`, `http://127.0.0.1:${port}/me`]);
    expect(rebound.status).toBe(403);
  } finally {
    await gateway.stop();
  }
});

test('the token as proxy credentials (curl -x http://sessionjar:TOKEN@gateway, Proxy-Authorization) is accepted and never forwarded', async () => {
  const gateway = await startGateway(dir, 'app', ['--target', target.origin]);
  try {
    const local = new URL(gateway.url);
    const env = { NO_PROXY: '', no_proxy: '' };
    // curl sends the request line in absolute form, with Proxy-Authorization and Proxy-Connection.
    const viaProxy = await curl(['-x', `http://sessionjar:${gateway.token}@${local.host}`, `${gateway.url}/me?via=proxy`], env);
    expect(viaProxy.status).toBe(200);
    // The same header sent as is, on an ordinary request.
    const basic = Buffer.from(`sessionjar:${gateway.token}`).toString('base64');
    const asHeader = await curl(['-H', `Proxy-Authorization: Basic ${basic}`, `${gateway.url}/me?via=header`]);
    expect(asHeader.status).toBe(200);
    expect(target.seen.map((s) => s.url)).toEqual(['/me?via=proxy', '/me?via=header']);
    for (const seen of target.seen) {
      expect(seen.headers['proxy-authorization']).toBeUndefined();
      expect(seen.headers['proxy-connection']).toBeUndefined();
      expect(seen.headers.cookie).toContain(`sid=${SID}`);
      expect(JSON.stringify(seen.headers)).not.toContain(gateway.token);
      expect(JSON.stringify(seen.headers)).not.toContain(basic);
    }
    // A wrong password is still no token; a proxy request for another origin is no request for the gateway.
    const wrong = await curl(['-x', `http://sessionjar:guess@${local.host}`, `${gateway.url}/me`], env);
    expect(wrong.status).toBe(401);
    const elsewhere = await curl(['-x', `http://sessionjar:${gateway.token}@${local.host}`, 'http://elsewhere.example/me'], env);
    expect(elsewhere.status).toBe(403);
    expect(target.seen).toHaveLength(2);
  } finally {
    await gateway.stop();
  }
});
