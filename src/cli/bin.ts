#!/usr/bin/env node
// The only place that calls process.exit (with output.ts's crash report): everything else throws SessionjarError.
import { setFlagsFromString } from 'node:v8';
import '../replay/linear-regexp.js';
import { isRequestCommand } from './argv.js';
import { parseRequestArgv } from './request-argv.js';
import { loadRequestPath } from './request-loader.js';

// A reader that stops early (`sessionjar edit --help | head`) closes the pipe: that ends the
// output, it is no error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}
const request = isRequestCommand(process.argv);
// One request parses a few kilobytes: V8's baseline WebAssembly compiler is plenty for undici's
// HTTP parser, and not running the optimising tier in the background saved about 110 ms of CPU
// per run on the bench machine (README, "Speed"). Set before anything loads undici, hence the
// dynamic imports, and before the request bundle's code cache is read (V8 checks the flags).
if (request) setFlagsFromString('--liftoff-only');
// A plain request skips commander and the other commands (request-loader.ts says from where).
const plain = parseRequestArgv(process.argv);
const code = plain
  ? await (await loadRequestPath()).runFastRequest(plain)
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
