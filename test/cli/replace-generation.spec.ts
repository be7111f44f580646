import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSession } from '../../src/replay/client.js';
import { FileStore } from '../../src/store/file-store.js';
import { runCli } from '../helpers/cli.js';
import { writeSessionFile } from '../helpers/gateway.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// `import --force` (and `record --force`, through the same store/replace.ts) puts a new login in
// place of one that processes may have open. Their late cookie updates belong to the old login and
// must not land on the new one, as after a refresh: the replacement moves the login generation on.

let server: TestServer;
test.beforeAll(async () => {
  // Rotates sid for whoever asks: a process still on the old login gets the old login's next sid.
  server = await startHttpServer((req, res) => {
    res.writeHead(200, { 'set-cookie': 'sid=old-rotated; Path=/; HttpOnly' });
    res.end('ok');
  });
});
test.afterAll(() => server.close());

const storageState = (sid: string) => JSON.stringify({
  cookies: [{ name: 'sid', value: sid, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }],
  origins: [],
});

test('import --force over an open session: the new login gets the next generation and keeps its sid over the old process\'s late write-back', async () => {
  const dir = tempDir('sj-replace-');
  writeSessionFile(dir, 'app', { sid: 'old' });
  const client = await openSession('app', { store: new FileStore({ dir }), autoRefresh: false });

  writeFileSync(join(dir, 'state.json'), storageState('new'));
  const imported = await runCli(dir, ['--dir', dir, 'import', join(dir, 'state.json'), '--as', 'app', '--force']);
  expect(imported.status, imported.stderr).toBe(0);
  const read = () => JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { generation?: number; cookies: { name: string; value: string }[] };
  expect(read().generation).toBe(1);

  // The old process goes on: its server rotates sid, and it writes back on close.
  await (await client.request(`${server.origin}/`)).body.text();
  await client.close();
  expect(read().cookies.find((c) => c.name === 'sid')?.value).toBe('new');

  // Once more over it: one past the generation it replaces.
  expect((await runCli(dir, ['--dir', dir, 'import', join(dir, 'state.json'), '--as', 'app', '--force'])).status).toBe(0);
  expect(read().generation).toBe(2);
});
