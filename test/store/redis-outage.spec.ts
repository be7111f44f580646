import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RedisStore } from '../../src/store/redis-store.js';
import { bundleScript } from '../helpers/bundle.js';
import { startRedis } from '../helpers/redis.js';
import { rotatingApp, rotatingSession } from '../helpers/rotating-app.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

/** How long a worker's Redis command waits before IO_ERROR: short, so a cut-off worker says so soon. */
const COMMAND_TIMEOUT_MS = '1000';

type Event = { status?: number; error?: string; refreshed?: string };

/** A redis-loop-worker.ts process and the events it printed. */
interface Worker {
  events: Event[];
  /** Resolves once an event at or after `from` matches; fails the test after `timeoutMs`. */
  waitFor(match: (e: Event) => boolean, from: number, what: string, timeoutMs?: number): Promise<void>;
  /** Ends its loop (stdin closes) and waits for it to exit. */
  stop(): Promise<void>;
  child: ChildProcess;
}

function startWorker(script: string, args: string[]): Worker {
  const child = spawn(process.execPath, [script, ...args, COMMAND_TIMEOUT_MS], { stdio: ['pipe', 'pipe', 'inherit'] });
  const events: Event[] = [];
  const seen: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as Event);
    for (const check of seen) check();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    events,
    child,
    waitFor: (match, from, what, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${child.pid}: no ${what} within ${timeoutMs} ms; its events: ${JSON.stringify(events)}`)), timeoutMs);
        const check = () => {
          if (!events.slice(from).some(match)) return;
          clearTimeout(timer);
          seen.splice(seen.indexOf(check), 1);
          resolve();
        };
        seen.push(check);
        check();
      }),
    stop: () => {
      child.stdin!.end();
      return exited;
    },
  };
}

const ok = (e: Event) => e.status === 200;

let out: string;
let script: string;
test.beforeAll(async () => {
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  out = join(process.cwd(), 'test-results', `redis-outage-${process.pid}`);
  mkdirSync(out, { recursive: true });
  script = await bundleScript('test/helpers/redis-loop-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
});
test.afterAll(() => rmSync(out, { recursive: true, force: true }));

test('Redis restarted mid-run (no persistence): workers fail clearly meanwhile, reconnect, and once the session is pushed again one of them logs in for all', async () => {
  test.setTimeout(120_000);
  const [first, server] = await Promise.all([startRedis(), rotatingApp()]);
  let redis = first;
  const store = new RedisStore({ url: redis.url, keys: null });
  const workers: Worker[] = [];
  try {
    await store.save('app', rotatingSession(server.origin));
    for (let i = 0; i < 4; i++) workers.push(startWorker(script, [redis.url, 'app', `${server.origin}/api`]));
    await Promise.all(workers.map((w) => w.waitFor(ok, 0, 'answer 200')));
    await redis.stop();
    server.revoke();
    // Logged out at the server and no Redis to refresh through: each worker's requests fail, saying so.
    let marks = workers.map((w) => w.events.length);
    await Promise.all(workers.map((w, i) => w.waitFor((e) => e.error === 'IO_ERROR', marks[i]!, 'IO_ERROR')));
    expect(server.logins()).toBe(0);
    // Same socket, empty (no persistence): the workers reconnect and find no session to refresh...
    redis = await startRedis([], redis.dir);
    marks = workers.map((w) => w.events.length);
    await Promise.all(workers.map((w, i) => w.waitFor((e) => e.error === 'SESSION_NOT_FOUND', marks[i]!, 'SESSION_NOT_FOUND after the restart')));
    expect(server.logins()).toBe(0);
    // ...until the operator pushes it again (`sessionjar push`).
    await store.save('app', rotatingSession(server.origin));
    marks = workers.map((w) => w.events.length);
    await Promise.all(workers.map((w, i) => w.waitFor(ok, marks[i]!, 'answer 200 after the restart')));
    expect([server.logins(), server.refused()]).toEqual([1, 0]);
    expect(workers.flatMap((w) => w.events).filter((e) => e.refreshed === 'oauth')).toHaveLength(1);
    const stored = await store.load('app');
    expect([stored.generation, stored.cookies.find((c) => c.name === 'sid')?.value]).toEqual([1, 'at-1']);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await store.close();
    await Promise.all([redis.stop(), server.close()]);
  }
});

test('the network between one worker and Redis cut and restored: that worker stops, another logs in, and the cut one resumes on the new login without undoing it', async () => {
  test.setTimeout(120_000);
  // The app clears `sid` on a 401, so the cut worker holds a stale change: "sid removed", made under login 0.
  const [redis, server] = await Promise.all([startRedis(), rotatingApp({ clearOnLogout: true })]);
  const proxy = await startTcpProxy(redis.socket);
  const store = new RedisStore({ url: redis.url, keys: null });
  const workers: Worker[] = [];
  const sid = async () => {
    const stored = await store.load('app');
    return [stored.generation, stored.cookies.find((c) => c.name === 'sid')?.value];
  };
  try {
    await store.save('app', rotatingSession(server.origin));
    const cut = startWorker(script, [`redis://127.0.0.1:${proxy.port}/0`, 'app', `${server.origin}/api`]);
    const other = startWorker(script, [redis.url, 'app', `${server.origin}/api`]);
    workers.push(cut, other);
    await Promise.all(workers.map((w) => w.waitFor(ok, 0, 'answer 200')));
    proxy.cut();
    server.revoke();
    const [cutMark, otherMark] = workers.map((w) => w.events.length) as [number, number];
    await other.waitFor((e) => e.refreshed === 'oauth', otherMark, 'login');
    await other.waitFor(ok, otherMark, 'answer 200 after its login');
    await cut.waitFor((e) => e.error === 'IO_ERROR', cutMark, 'IO_ERROR while cut off');
    expect(cut.events.slice(cutMark).some(ok)).toBe(false);
    expect(await sid()).toEqual([1, 'at-1']);
    const restoredMark = cut.events.length;
    proxy.restore();
    await cut.waitFor((e) => e.refreshed === 'elsewhere', restoredMark, 'the other worker\'s login taken up');
    await cut.waitFor(ok, restoredMark, 'answer 200 after the network came back');
    // Stopping flushes the cut worker's pending write-back (made under login 0): it must not land over login 1.
    await Promise.all(workers.map((w) => w.stop()));
    workers.length = 0;
    expect([server.logins(), server.refused()]).toEqual([1, 0]);
    expect(await sid()).toEqual([1, 'at-1']);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await store.close();
    await Promise.all([redis.stop(), server.close(), proxy.close()]);
  }
});
