import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSessionjarError } from '../../src/core/errors.js';
import { FileStore } from '../../src/store/file-store.js';
import { withFileLock } from '../../src/store/lock.js';
import { sampleSession } from './contract.js';

let root: string;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-lock-'));
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The pid of a process that has exited: a lock it held is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function gone(path: string): Promise<boolean> {
  return access(path).then(
    () => false,
    () => true,
  );
}

test('a lock left by a dead process is taken over at once', async () => {
  // Default staleMs is 30 s: only the dead-pid check can let this update through before the timeout.
  const store = new FileStore({ dir: root, lockTimeoutMs: 5_000 });
  await store.save('github', sampleSession('github'));
  const lock = join(root, 'github.json.lock');
  await writeFile(lock, JSON.stringify({ pid: await deadPid(), host: hostname(), since: new Date().toISOString() }));
  const started = Date.now();
  const updated = await store.update('github', (s) => ({ ...s, cookies: [] }));
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(updated.cookies).toEqual([]);
  expect(await gone(lock)).toBe(true);
});

test('a lock naming our own pid that this process does not hold was left by an earlier process: taken over', async () => {
  const lock = join(root, 'x.lock');
  await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
  expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 1_000 })).toBe('ran');
});

test('a lock not refreshed for staleMs is taken over even when its owner cannot be checked', async () => {
  const lock = join(root, 'x.lock');
  await writeFile(lock, ''); // as left by a crash between creating the lock and writing the pid
  const old = new Date(Date.now() - 60_000);
  await utimes(lock, old, old);
  expect(await withFileLock(lock, async () => 'ran', { staleMs: 5_000, timeoutMs: 2_000 })).toBe('ran');
});

test('a live holder makes others wait, then LOCK_TIMEOUT names the lock and what to do', async () => {
  const lock = join(root, 'x.lock');
  const holder = withFileLock(lock, () => new Promise((r) => setTimeout(r, 1_000)));
  await new Promise((r) => setTimeout(r, 50));
  const held = await readFile(lock, 'utf8');
  try {
    await withFileLock(lock, async () => 'never', { timeoutMs: 200 });
    throw new Error('expected LOCK_TIMEOUT');
  } catch (error) {
    expect(isSessionjarError(error, 'LOCK_TIMEOUT')).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^could not take the lock ${lock.replace(/[.\\/]/g, '\\$&')} within 200 ms \\(held by process ${process.pid} on .+ since .+\\)\\. Another sessionjar is using this session; if no sessionjar process is running, delete ${lock.replace(/[.\\/]/g, '\\$&')} and try again\\.$`),
    );
  }
  expect(await readFile(lock, 'utf8')).toBe(held);
  await holder;
  expect(await gone(lock)).toBe(true);
});

test('a holder running longer than staleMs keeps its lock by refreshing it', async () => {
  const lock = join(root, 'x.lock');
  const events: string[] = [];
  const first = withFileLock(
    lock,
    async () => {
      events.push('first start');
      await new Promise((r) => setTimeout(r, 800));
      events.push('first end');
    },
    { staleMs: 200 },
  );
  await new Promise((r) => setTimeout(r, 20));
  const second = withFileLock(lock, async () => void events.push('second'), { staleMs: 200, timeoutMs: 5_000 });
  await Promise.all([first, second]);
  expect(events).toEqual(['first start', 'first end', 'second']);
});

test('the lock is released when fn throws', async () => {
  const lock = join(root, 'x.lock');
  await expect(withFileLock(lock, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  expect(await gone(lock)).toBe(true);
});
