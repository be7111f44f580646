import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { newSession } from '../../src/session/new-session.js';
import { FileStore } from '../../src/store/file-store.js';
import { bundleScript } from '../helpers/bundle.js';

// Real processes against one store folder: the lock and the atomic write must hold across them.
test.describe.configure({ mode: 'serial' });

let root: string;
let worker: string;
test.beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-procs-'));
  worker = await bundleScript('test/helpers/store-worker.ts', join(root, 'store-worker.mjs'));
});
test.afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The worker (test/helpers/store-worker.ts); its stdin lets a stopped writer go on. */
function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

test('two processes doing 50 updates each lose nothing: all 100 cookies are there', async () => {
  const dir = join(root, 'concurrent');
  const store = new FileStore({ dir });
  await store.save('shared', newSession('shared'));
  // Both start by finding a lock left by a dead process: exactly one may take it over at a time.
  const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => dead.once('exit', resolve));
  await writeFile(join(dir, 'shared.json.lock'), JSON.stringify({ pid: dead.pid, host: hostname(), since: new Date().toISOString() }));
  const started = Date.now();
  const results = await Promise.all(['p1', 'p2'].map((prefix) => exited(run(['update', dir, 'shared', prefix, '50']))));
  for (const r of results) expect(r).toEqual({ code: 0, signal: null, stderr: '' });
  test.info().annotations.push({ type: 'measured', description: `100 cross-process updates in ${Date.now() - started} ms` });
  const names = (await store.load('shared')).cookies.map((c) => c.name);
  expect(names).toHaveLength(100);
  expect(new Set(names)).toEqual(new Set(['p1', 'p2'].flatMap((p) => Array.from({ length: 50 }, (_, i) => `${p}-${i}`))));
  expect((await readdir(dir)).sort()).toEqual(['shared.json']);
});

/** Resolves with the first stdout line of `child` that starts with `prefix`; rejects if it exits first. */
function lineFrom(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before printing "${prefix}"; stdout: ${out}; stderr: ${stderr}`)));
  });
}

const generationOf = async (store: FileStore, name: string) => (await store.load(name)).origins[0]?.localStorage.generation;

test('a writer killed after writing its temp file, before the rename, leaves the old file whole; stray temp files are ignored, old ones cleaned', async () => {
  const dir = join(root, 'crash');
  const store = new FileStore({ dir });
  await store.save('victim', { ...newSession('victim'), origins: [{ origin: 'https://example.com', localStorage: { generation: '1' }, sessionStorage: {} }] });

  // The writer stops at the last moment before the rename (src/store/test-hooks.ts): its new file
  // is complete on disk, under the temp name. Killed there, nothing of it may show.
  const child = run(['--stop-before-rename', 'save', dir, 'victim', '2']);
  const done = exited(child);
  const temp = (await lineFrom(child, 'stopped ')).slice('stopped '.length);
  child.kill('SIGKILL');
  expect(await done).toMatchObject({ signal: 'SIGKILL', stderr: '' });

  expect(await generationOf(store, 'victim')).toBe('1');
  expect(JSON.parse(await readFile(temp, 'utf8')).origins[0].localStorage.generation).toBe('2');
  expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([basename(temp)]);
  expect((await store.list()).map((e) => [e.name, e.error])).toEqual([['victim', undefined]]);
  // The dead writer's lock is taken over by the next one.
  await store.update('victim', (s) => ({ ...s, origins: [{ origin: 'https://example.com', localStorage: { generation: '3' }, sessionStorage: {} }] }));
  expect(await generationOf(store, 'victim')).toBe('3');

  // One stray temp file as a crash leaves it (partial content), old enough to be cleaned.
  const stray = join(dir, `.victim.json.99999.0123456789ab.tmp`);
  await writeFile(stray, '{"version": 1, "cook');
  const old = new Date(Date.now() - 120_000);
  await utimes(stray, old, old);
  const young = join(dir, `.victim.json.99999.ba9876543210.tmp`);
  await writeFile(young, '{');

  const entries = await store.list();
  expect(entries.map((e) => [e.name, e.error])).toEqual([['victim', undefined]]);
  const files = await readdir(dir);
  expect(files).not.toContain('.victim.json.99999.0123456789ab.tmp');
  expect(files).toContain('.victim.json.99999.ba9876543210.tmp');
});

test('an update waits for the lock a writer holds until its write is in place, then builds on it', async () => {
  const dir = join(root, 'waits');
  const store = new FileStore({ dir });
  await store.save('shared', newSession('shared'));
  // A stops holding the lock, its update written but not yet renamed; B must wait for the lock
  // rather than read the old file (and lose A's cookie when A's rename lands over its write).
  const a = run(['--stop-before-rename', 'update', dir, 'shared', 'a', '1']);
  const aDone = exited(a);
  await lineFrom(a, 'stopped ');
  const b = run(['--report-busy-lock', 'update', dir, 'shared', 'b', '1']);
  const bDone = exited(b);
  await lineFrom(b, 'lock busy');
  a.stdin!.end('go\n');
  expect(await aDone).toEqual({ code: 0, signal: null, stderr: '' });
  expect(await bDone).toEqual({ code: 0, signal: null, stderr: '' });
  expect((await store.load('shared')).cookies.map((c) => c.name)).toEqual(['a-0', 'b-0']);
  expect((await readdir(dir)).sort()).toEqual(['shared.json']);
});
