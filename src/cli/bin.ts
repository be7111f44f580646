#!/usr/bin/env node
// The only place that calls process.exit: everything else throws SessionjarError.
import { setFlagsFromString } from 'node:v8';
import '../replay/linear-regexp.js';
import { isRequestCommand } from './argv.js';

const request = isRequestCommand(process.argv);
// One request parses a few kilobytes: V8's baseline WebAssembly compiler is plenty for undici's
// HTTP parser, and not running the optimising tier in the background saved about 110 ms of CPU
// per run on the bench machine (README, "Speed"). Set before anything loads undici, hence the
// dynamic import.
if (request) setFlagsFromString('--liftoff-only');
const { run } = await import('./program.js');

const code = await run(process.argv);
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
