import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileStore } from '../../src/store/file-store.js';
import { bundleScript } from '../helpers/bundle.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

const run = promisify(execFile);
let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (!/(?:^|; )sid=/.test(req.headers.cookie ?? '')) return void res.writeHead(401).end();
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name');
    res.setHeader('set-cookie', [`${name}=1; Path=/; Max-Age=3600`, `sid=${name}; Path=/`]);
    res.end('ok');
  });
});
test.afterAll(() => server.close());

test('two processes replaying one session file: both processes\' cookie updates survive', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'sj-procs-'));
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const out = join(process.cwd(), 'test-results', `replay-worker-${process.pid}`);
  mkdirSync(out, { recursive: true });
  try {
    const worker = await bundleScript('test/helpers/replay-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod']);
    const store = new FileStore({ dir });
    await store.save('shared', { ...sessionWith([cookie('sid', 'start', '127.0.0.1')]), name: 'shared' });
    await Promise.all(
      ['one', 'two'].map((prefix) => run(process.execPath, [worker, dir, 'shared', `${server.origin}/set`, prefix, '15'], { timeout: 60_000 })),
    );
    const names = (await store.load('shared')).cookies.map((c) => c.name);
    for (const prefix of ['one', 'two']) {
      for (let i = 0; i < 15; i++) expect(names).toContain(`${prefix}-${i}`);
    }
    expect(names.filter((n) => n === 'sid')).toHaveLength(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
