import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
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

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

test('a writer killed mid-save leaves the old file whole; stray temp files are ignored, old ones cleaned', async () => {
  const dir = join(root, 'crash');
  const store = new FileStore({ dir });
  // Kill writers at random moments until one dies mid-write (its temp file is left behind); after
  // every kill the session must load whole. Bounded in rounds and time: a kill lands mid-write about
  // half the time, but each round writes 16 MB, which takes seconds when the full suite loads both cores.
  test.setTimeout(120_000);
  const started = Date.now();
  let rounds = 0;
  let leftTemps: string[] = [];
  while (leftTemps.length === 0 && rounds < 20 && Date.now() - started < 60_000) {
    rounds++;
    const child = run(['save-loop', dir, 'victim', '8']);
    const done = exited(child);
    // A writer that dies before its second save ends the wait too, and fails with its stderr.
    await Promise.race([
      new Promise<void>((resolve) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('saved 2\n')) resolve();
        });
      }),
      done,
    ]);
    await new Promise((r) => setTimeout(r, Math.random() * 150));
    child.kill('SIGKILL');
    expect(await done).toMatchObject({ signal: 'SIGKILL', stderr: '' });

    const session = await store.load('victim');
    expect(Number(session.origins[0]?.localStorage.generation)).toBeGreaterThanOrEqual(2);
    expect(session.origins[0]?.localStorage.blob).toHaveLength(8 * 1024 * 1024);
    leftTemps = (await readdir(dir)).filter((f) => f.endsWith('.tmp'));
  }
  test.info().annotations.push({ type: 'measured', description: `a writer died mid-write after ${rounds} kill(s) in ${Date.now() - started} ms` });
  expect(leftTemps).toHaveLength(1);
  expect((await store.list()).map((e) => [e.name, e.error])).toEqual([['victim', undefined]]);

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
