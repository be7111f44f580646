import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';
import { NO_PROXY_ENV, startGateway, writeSessionFile } from '../helpers/gateway.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// A bug that throws outside a command's own code (a timer, an event handler, a promise nobody
// awaits) reaches Node's printer, which would print the error as it is. A preloaded module plays
// the bug: on SIGUSR2 it throws (or rejects) with a message holding the session's cookie value.

const SID = `sid-${randomBytes(12).toString('hex')}`;

/** What the test preloads with --import: the "bug", fired by SIGUSR2 once the session is open. */
function bugModule(dir: string): string {
  const file = join(dir, 'bug.mjs');
  writeFileSync(file, `
process.on('SIGUSR2', () => {
  const error = new Error('bug while the session held ' + process.env.CRASH_SECRET);
  if (process.env.CRASH_KIND === 'rejection') void Promise.reject(error);
  else setImmediate(() => { throw error; });
});
`);
  return file;
}

let server: TestServer;
/** Requests the server holds without answering: the CLI is mid-request when the bug fires. */
const held = new Set<() => void>();
let arrived: () => void = () => undefined;
test.beforeAll(async () => {
  server = await startHttpServer((_req, res) => {
    held.add(() => res.end('late'));
    arrived();
  });
});
test.afterAll(async () => {
  for (const end of held) end();
  await server.close();
});

const reportedScrubbed = (stderr: string) => {
  expect(stderr).not.toContain(SID);
  // `serve --json` reports errors as JSON lines, `request` as text: the same message either way.
  expect(stderr).toMatch(/INTERNAL.{0,20}unexpected error: bug while the session held \[redacted \d+ chars\]/);
};

test('an exception thrown outside the command during `request` is reported scrubbed, exit 1', async () => {
  const dir = tempDir('sj-crash-');
  writeSessionFile(dir, 'app', { sid: SID });
  const request = new Promise<void>((resolve) => (arrived = resolve));
  const child = spawn(process.execPath, [CLI, '--dir', dir, 'request', 'app', `${server.origin}/slow`], {
    env: { PATH: process.env.PATH, ...NO_PROXY_ENV, NODE_OPTIONS: `--import ${bugModule(dir)}`, CRASH_SECRET: SID },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await request;
  child.kill('SIGUSR2');
  expect(await exited).toBe(1);
  reportedScrubbed(stderr);
});

test('a rejection nobody handles in `serve` is reported scrubbed, exit 1', async () => {
  const dir = tempDir('sj-crash-');
  writeSessionFile(dir, 'app', { sid: SID });
  const gateway = await startGateway(dir, 'app', ['--target', server.origin], { NODE_OPTIONS: `--import ${bugModule(dir)}`, CRASH_SECRET: SID, CRASH_KIND: 'rejection' });
  const exited = new Promise<number | null>((resolve) => gateway.child.on('exit', resolve));
  gateway.child.kill('SIGUSR2');
  expect(await exited).toBe(1);
  reportedScrubbed(gateway.stderr());
});
