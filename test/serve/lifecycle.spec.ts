import { expect, test } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { curl } from '../helpers/curl.js';
import { startGateway, writeSessionFile } from '../helpers/gateway.js';
import { startHttpServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// Stopping, and the ways to start that change who may use the gateway.

test('SIGTERM during traffic: requests in flight finish, every cookie they set is in the file, exit 0', async () => {
  let issued = 0;
  let pending = 0;
  const set: string[] = [];
  const target = await startHttpServer((req, res) => {
    pending++;
    // Slow answers, so some are surely in flight when the signal comes; each sets a cookie of its own.
    setTimeout(() => {
      const name = `c${++issued}`;
      res.setHeader('set-cookie', `${name}=v; Path=/`);
      res.on('finish', () => {
        pending--;
        set.push(name);
      });
      res.end('ok');
    }, 400);
  });
  const dir = tempDir('sj-serve-term-');
  writeSessionFile(dir, 'app', { sid: 'sid-0123456789' });
  const gateway = await startGateway(dir, 'app', ['--target', target.origin]);
  const worker = async () => {
    // Bounded: at most 10 requests each; they stop once the gateway is gone.
    for (let i = 0; i < 10 && gateway.child.exitCode === null; i++) {
      await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, `${gateway.url}/x`]).catch(() => undefined);
    }
  };
  const traffic = Promise.all([worker(), worker(), worker(), worker()]);
  // Bounded wait: the signal goes once answers came back and others wait at the target.
  for (let i = 0; i < 500 && !(issued >= 2 && pending >= 2); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(pending).toBeGreaterThanOrEqual(2);
  const status = await gateway.stop();
  await traffic;
  await target.close();
  expect(status).toBe(0);
  expect(set.length).toBeGreaterThan(0);
  const file = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { cookies: { name: string }[] };
  const saved = new Set(file.cookies.map((c) => c.name));
  expect(set.filter((name) => !saved.has(name))).toEqual([]);
});

test('--unix-socket: a 0600 socket that needs no token', async () => {
  const target = await startHttpServer((req, res) => res.end(`cookie: ${req.headers.cookie ?? ''}`));
  const dir = tempDir('sj-serve-sock-');
  writeSessionFile(dir, 'app', { sid: 'sid-sock-0123456789' });
  const socket = join(dir, 'app.sock');
  const gateway = await startGateway(dir, 'app', ['--target', target.origin, '--unix-socket', socket]);
  try {
    expect(gateway.token).toBeNull();
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const res = await curl(['--unix-socket', socket, 'http://gateway/me']);
    expect(res.body).toBe('cookie: sid=sid-sock-0123456789');
  } finally {
    await gateway.stop();
    await target.close();
  }
});

test('--no-token is refused unless bound to loopback; on loopback it serves without one', async () => {
  const target = await startHttpServer((_req, res) => res.end('ok'));
  const dir = tempDir('sj-serve-notoken-');
  writeSessionFile(dir, 'app', { sid: 'sid-0123456789' });
  const refused = await runCli(dir, ['--dir', dir, 'serve', 'app', '--target', target.origin, '--bind', '0.0.0.0', '--no-token']);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toContain('--no-token: refused on 0.0.0.0, which is not loopback');
  const gateway = await startGateway(dir, 'app', ['--target', target.origin, '--no-token']);
  try {
    expect((await curl([`${gateway.url}/`])).status).toBe(200);
    // Still no browser: the Origin check does not depend on the token.
    expect((await curl(['-H', 'Origin: https://evil.example', `${gateway.url}/`])).status).toBe(403);
  } finally {
    await gateway.stop();
    await target.close();
  }
});

test('--pass-cookies hands the Set-Cookie on too; the session keeps it either way', async () => {
  const target = await startHttpServer((req, res) => {
    res.setHeader('set-cookie', 'theme=dark; Path=/');
    res.end(req.headers.cookie ?? '');
  });
  const dir = tempDir('sj-serve-pass-');
  writeSessionFile(dir, 'app', { sid: 'sid-0123456789' });
  const gateway = await startGateway(dir, 'app', ['--target', target.origin, '--pass-cookies']);
  try {
    const first = await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, `${gateway.url}/`]);
    expect(first.headers['set-cookie']).toBe('theme=dark; Path=/');
    const second = await curl(['-H', `X-Sessionjar-Token: ${gateway.token}`, `${gateway.url}/`]);
    expect(second.body).toContain('theme=dark');
  } finally {
    await gateway.stop();
    await target.close();
  }
});
