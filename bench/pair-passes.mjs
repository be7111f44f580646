// Two clients in one process: node bench/pair-passes.mjs '<json options>'. `pair` names them, each
// a client of clients.mjs and whether it walks the crawl (a new path and query on every request)
// or the fixed URL: the crawl against the fixed URL of one client, or sessionjar against raw
// undici on one URL mix. They take turns in passes of `count` requests at `concurrency`; the best
// pass of each counts (on a busy machine the slower ones measure the machine, not the client).
// One process, so both share the JIT, the heap and the machine's mood: what is left is the
// difference between them. Prints one JSON line: { <name>: { rps, cpuUs } } for the two names.
import { copyFileSync } from 'node:fs';
import { CLIENTS } from './clients.mjs';
import { bestOfTurns } from './passes.mjs';

const { pair, ...options } = JSON.parse(process.argv[2] ?? '{}');
const clients = {};
for (const [name, { client, crawl }] of Object.entries(pair)) {
  // Each sessionjar client writes its cookies back to a file of its own.
  const sessionFile = `${options.sessionFile}.${name}.json`;
  copyFileSync(options.sessionFile, sessionFile);
  clients[name] = await CLIENTS[client]({ ...options, crawl, sessionFile });
}
const best = await bestOfTurns(clients, options);
await Promise.all(Object.values(clients).map((c) => c.close()));
process.stdout.write(`${JSON.stringify(best)}\n`);
