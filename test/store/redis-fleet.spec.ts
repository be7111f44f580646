import { expect, test } from '@playwright/test';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@redis/client';
import { RedisStore } from '../../src/store/redis-store.js';
import { bundleScript } from '../helpers/bundle.js';
import { startRedis } from '../helpers/redis.js';
import { rotatingApp, rotatingSession as session } from '../helpers/rotating-app.js';

const run = promisify(execFile);
const WORKERS = 16;

test(`${WORKERS} processes on one Redis store meet a logged-out session at once: one login at the server, all go on with it`, async () => {
  test.setTimeout(120_000);
  const [redis, server] = await Promise.all([startRedis(), rotatingApp()]);
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const out = join(process.cwd(), 'test-results', `redis-fleet-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const store = new RedisStore({ url: redis.url, keys: null });
  try {
    const worker = await bundleScript('test/helpers/refresh-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
    await store.save('app', session(server.origin));
    server.revoke();
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () => run(process.execPath, [worker, redis.url, 'app', `${server.origin}/api`], { timeout: 60_000 }).then((r) => r.stdout.trim())),
    );
    expect(results.filter((r) => !r.startsWith('status=200 '))).toEqual([]);
    expect(results.filter((r) => r === 'status=200 refreshed=oauth')).toHaveLength(1);
    expect(server.logins()).toBe(1);
    expect(server.refused()).toBe(0);
    const stored = await store.load('app');
    expect(stored.generation).toBe(1);
    expect(stored.cookies.find((c) => c.name === 'sid')?.value).toBe('at-1');
  } finally {
    await store.close();
    await Promise.all([redis.stop(), server.close()]);
    rmSync(out, { recursive: true, force: true });
  }
});

test('a holder killed (SIGKILL) mid-login: another process takes the lock once its TTL runs out and logs in, once', async () => {
  test.setTimeout(90_000);
  const [redis, server] = await Promise.all([startRedis(), rotatingApp()]);
  const out = join(process.cwd(), 'test-results', `redis-fleet-kill-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const store = new RedisStore({ url: redis.url, keys: null });
  const ttl = 1500;
  try {
    const worker = await bundleScript('test/helpers/refresh-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
    await store.save('app', session(server.origin));
    server.revoke();
    const asked = server.stallNextLogin();
    const holder = spawn(process.execPath, [worker, redis.url, 'app', `${server.origin}/api`, String(ttl)], { stdio: 'ignore' });
    await asked;
    // The holder is inside its login, holding the fleet's refresh lock.
    const raw = createClient({ url: redis.url, RESP: 2 });
    await raw.connect();
    const lockTtl = await raw.pTTL('sessionjar:{app}:lock:refresh');
    raw.destroy();
    expect(lockTtl).toBeGreaterThan(0);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    const started = Date.now();
    const next = await run(process.execPath, [worker, redis.url, 'app', `${server.origin}/api`, String(ttl)], { timeout: 60_000 });
    expect(next.stdout).toBe('status=200 refreshed=oauth\n');
    // It waited for the dead holder's lock to expire rather than stealing it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(ttl / 2);
    expect([server.logins(), server.refused()]).toEqual([1, 0]);
    expect((await store.load('app')).generation).toBe(1);
  } finally {
    await store.close();
    await Promise.all([redis.stop(), server.close()]);
    rmSync(out, { recursive: true, force: true });
  }
});

test(`a login that fails is tried once for the fleet: the other ${WORKERS - 1} processes get its failure and reason at once`, async () => {
  test.setTimeout(120_000);
  const [redis, server] = await Promise.all([startRedis(), rotatingApp()]);
  const out = join(process.cwd(), 'test-results', `redis-fleet-fail-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const store = new RedisStore({ url: redis.url, keys: null });
  try {
    const worker = await bundleScript('test/helpers/refresh-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
    await store.save('app', session(server.origin));
    server.revoke();
    server.refuseLogins();
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        run(process.execPath, [worker, redis.url, 'app', `${server.origin}/api`], { timeout: 60_000 }).then((r) => r.stdout, (e: { stdout: string }) => e.stdout),
      ),
    );
    expect(server.refused()).toBe(1);
    expect(results.every((r) => r.startsWith('error=REFRESH_FAILED '))).toBe(true);
    expect(results.filter((r) => r.includes('Another process met this'))).toHaveLength(WORKERS - 1);
    expect(results.every((r) => r.includes('invalid_grant'))).toBe(true);
  } finally {
    await store.close();
    await Promise.all([redis.stop(), server.close()]);
    rmSync(out, { recursive: true, force: true });
  }
});

test('a holder stopped (SIGSTOP) past its lock\'s expiry and resumed: its login is refused, the winner\'s session stays', async () => {
  test.setTimeout(90_000);
  const [redis, server] = await Promise.all([startRedis(), rotatingApp()]);
  const out = join(process.cwd(), 'test-results', `redis-fleet-stop-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const store = new RedisStore({ url: redis.url, keys: null });
  const raw = createClient({ url: redis.url, RESP: 2 });
  const ttl = 1000;
  let stopped: ChildProcess | undefined;
  try {
    const worker = await bundleScript('test/helpers/refresh-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
    await raw.connect();
    await store.save('app', session(server.origin));
    server.revoke();
    const asked = server.stallNextLogin();
    const holder = spawn(process.execPath, [worker, redis.url, 'app', `${server.origin}/api`, String(ttl)], { stdio: ['ignore', 'pipe', 'ignore'] });
    let late = '';
    holder.stdout.on('data', (d: Buffer) => (late += d.toString()));
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    const answer = await asked;
    // The holder is inside its login; stopped, its heartbeat stops and its lock runs out.
    stopped = holder;
    process.kill(holder.pid!, 'SIGSTOP');
    await expect.poll(() => raw.exists('sessionjar:{app}:lock:refresh'), { timeout: 10_000 }).toBe(0);
    const winner = await run(process.execPath, [worker, redis.url, 'app', `${server.origin}/api`, String(ttl)], { timeout: 60_000 });
    expect(winner.stdout).toBe('status=200 refreshed=oauth\n');
    // The token endpoint answers the stopped holder's old request; it resumes and tries to commit.
    answer({ access_token: 'at-paused', refresh_token: 'rt-paused' });
    process.kill(holder.pid!, 'SIGCONT');
    await exited;
    expect(late).toMatch(/^error=REFRESH_FAILED /);
    expect(late).toContain('lost its lock on the session before writing');
    const stored = await store.load('app');
    expect([stored.generation, stored.cookies.find((c) => c.name === 'sid')?.value]).toEqual([1, 'at-1']);
  } finally {
    if (stopped && stopped.exitCode === null && stopped.signalCode === null) stopped.kill('SIGKILL');
    raw.destroy();
    await store.close();
    await Promise.all([redis.stop(), server.close()]);
    rmSync(out, { recursive: true, force: true });
  }
});
