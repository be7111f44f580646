#!/usr/bin/env node
// The only place that calls process.exit: everything else throws SessionjarError.
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { isRequestCommand } from './argv.js';
import { requireCached } from './code-cache.js';
import { parseRequestArgv } from './request-argv.js';
import type * as RequestFast from './request-fast.js';

const request = isRequestCommand(process.argv);
// One request parses a few kilobytes: V8's baseline WebAssembly compiler is plenty for undici's
// HTTP parser, and not running the optimising tier in the background saved about 110 ms of CPU
// per run on the bench machine (README, "Speed"). Set before anything loads undici, hence the
// dynamic imports, and before the request bundle's code cache is read (V8 checks the flags).
if (request) setFlagsFromString('--liftoff-only');
// A plain request skips commander and the other commands: scripts/build.mjs bundles request-fast.ts
// into dist/request.cjs, one CommonJS file with only what a request needs, and V8's code cache for
// it. Loaded as CommonJS, not by import(): importing CommonJS from ESM first scans the whole file
// for its export names.
const plain = parseRequestArgv(process.argv);
const code = plain
  ? await (requireCached(fileURLToPath(new URL('./request.cjs', import.meta.url))) as typeof RequestFast).runFastRequest(plain)
  : await (await import('./program.js')).run(process.argv);
if (request) {
  // A request is finished once its output is out. Exiting now, rather than when the event loop
  // drains, skips waiting for keep-alive sockets and V8's background work.
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
process.exitCode = code;

/** Resolves once everything written to `stream` so far is handed to the OS (pipes are async). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
