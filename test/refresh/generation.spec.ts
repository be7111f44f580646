import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRefresher } from '../../src/refresh/refresher.js';
import type { Refresher } from '../../src/replay/options.js';
import { RefreshLimit } from '../../src/serve/refresh-limit.js';
import { openSession, type SessionClient } from '../../src/replay/client.js';
import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { FileStore } from '../../src/store/file-store.js';
import { bundleScript } from '../helpers/bundle.js';
import { rotatingApp, type RotatingApp } from '../helpers/rotating-app.js';

const run = promisify(execFile);

function cookieSession(origin: string): Session {
  const ref = { storage: 'localStorage' as const, origin, key: 'refresh_token' };
  return {
    ...newSession('app'),
    cookies: [
      { name: 'sid', value: 'at-0', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, setAt: Date.now() - 60_000 },
      { name: 'theme', value: 'light', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false, setAt: Date.now() - 60_000 },
    ],
    origins: [{ origin, localStorage: { refresh_token: 'rt-0' }, sessionStorage: {} }],
    tokens: { jwts: [], oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: ref } },
  };
}

/**
 * A FileStore holding cookieSession, a client on it with the real refresher (its first request
 * answered 200), and the real second process (refresh-worker.ts) that `body` may start.
 */
async function withApp(body: (ctx: { server: RotatingApp; store: FileStore; client: SessionClient; otherProcess: () => Promise<string> }) => Promise<void>, wrap = (r: Refresher): Refresher => r): Promise<void> {
  const server = await rotatingApp({ clearOnLogout: true });
  const dir = mkdtempSync(join(tmpdir(), 'sj-gen-'));
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const out = join(process.cwd(), 'test-results', `generation-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(out, { recursive: true });
  try {
    const worker = await bundleScript('test/helpers/refresh-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
    const store = new FileStore({ dir });
    await store.save('app', cookieSession(server.origin));
    const client = await openSession('app', { store, refresher: wrap(createRefresher({ store, name: 'app', interactive: false })) });
    const first = await client.request(`${server.origin}/api`);
    await first.body.dump();
    expect(first.status).toBe(200);
    const otherProcess = async () => (await run(process.execPath, [worker, dir, 'app', `${server.origin}/api`], { timeout: 30_000 })).stdout;
    await body({ server, store, client, otherProcess });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

test('issue 17: a process that takes up another process\'s login does not write back what the old login\'s 401 did (the cleared sid)', async () => {
  test.setTimeout(60_000);
  await withApp(async ({ server, store, client, otherProcess }) => {
    // The server ends the login; another process meets it first and logs in again (generation 1).
    server.revoke();
    expect(await otherProcess()).toBe('status=200 refreshed=oauth\n');
    expect((await store.load('app')).generation).toBe(1);

    // This process still sends the old sid: the 401 clears it in its jar, after the new login was
    // saved; it takes up the other process's login and its retry passes.
    const second = await client.request(`${server.origin}/api`);
    await second.body.dump();
    expect(second.status).toBe(200);
    // Under the login it took up, its changes are written back as ever.
    const third = await client.request(`${server.origin}/api?theme=dark`);
    await third.body.dump();
    await client.close();

    // Its write-back of the cleared sid was made under generation 0: it must not undo login 1.
    const file = await store.load('app');
    expect(file.generation).toBe(1);
    expect(file.cookies.map((c) => `${c.name}=${c.value}`).sort()).toEqual(['sid=at-1', 'theme=dark']);
    expect(await otherProcess()).toBe('status=200 refreshed=none\n');
    expect(server.logins()).toBe(1);
  });
});

for (const [label, wrap] of [['', (r: Refresher) => r], [' (through the gateway\'s RefreshLimit)', (r: Refresher) => new RefreshLimit(r)]] as const) {
  test(`issue 17: a login taken up from another process and revoked while this one waited: the request refreshes once more, logging in itself, and gets 200${label}`, async () => {
    test.setTimeout(60_000);
    await withApp(async ({ server, store, client, otherProcess }) => {
      // Another process logs in again (generation 1), and the server ends that login too before
      // this process, still on generation 0, meets its own 401.
      server.revoke();
      expect(await otherProcess()).toBe('status=200 refreshed=oauth\n');
      server.revoke();

      // The 401 takes up generation 1 (refreshed elsewhere), whose sid is already revoked: a
      // second refresh, which finds the file still on the generation it was sent with, logs in.
      const second = await client.request(`${server.origin}/api`);
      await second.body.dump();
      expect(second.status).toBe(200);
      expect(server.logins()).toBe(2);
      await client.close();
      expect((await store.load('app')).generation).toBe(2);
    }, wrap);
  });
}
