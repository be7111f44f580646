#!/usr/bin/env node
// The only place that calls process.exit: everything else throws SessionjarError.
import { isRequestCommand } from './argv.js';
import { run } from './program.js';

const code = await run(process.argv);
if (isRequestCommand(process.argv)) {
  // A request is finished once its output is out. Exiting now, rather than when the event loop
  // drains, skips V8 optimising undici's WebAssembly parser in the background for nothing.
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
process.exitCode = code;

/** Resolves once everything written to `stream` so far is handed to the OS (pipes are async). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
