// The Redis store against the file store in one process: node bench/store-passes.mjs '<json options>'.
// Two request() clients on the realistic session (write-back on), one opened from the session file
// and one from Redis (`storeUrl`), take turns in passes of `count` requests at `concurrency`; the
// best pass of each counts (on a busy machine the slower ones measure the machine). One process,
// so both have the same modules loaded, JIT and heap: what is left is what the store costs a request.
// Prints one JSON line: each store's best requests per second and CPU µs per request.
import { CLIENTS } from './clients.mjs';
import { bestOfTurns } from './passes.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const clients = {
  file: await CLIENTS['sessionjar request()']({ ...options, storeUrl: undefined }),
  redis: await CLIENTS['sessionjar request()'](options),
};

const best = await bestOfTurns(clients, options);
await Promise.all(Object.values(clients).map((c) => c.close()));
process.stdout.write(`${JSON.stringify(best)}\n`);
