// The Redis store against the file store in one process: node bench/store-passes.mjs '<json options>'.
// Two request() clients on the realistic session (write-back on), one opened from the session file
// and one from Redis (`storeUrl`), take turns in passes of `count` requests at `concurrency`; the
// best pass of each counts (on a busy machine the slower ones measure the machine). One process,
// so both have the same modules loaded, JIT and heap: what is left is what the store costs a request.
// Prints one JSON line: each store's best requests per second and CPU µs per request.
import { CLIENTS } from './clients.mjs';

const PASSES = 10;
const options = JSON.parse(process.argv[2] ?? '{}');
const clients = {
  file: await CLIENTS['sessionjar request()']({ ...options, storeUrl: undefined }),
  redis: await CLIENTS['sessionjar request()'](options),
};

/** Requests per second and CPU µs per request over one pass of `client`. */
async function pass(client) {
  let left = options.count;
  const loop = async () => {
    while (left > 0) {
      left -= 1;
      const status = await client.one();
      if (status !== 200) throw new Error(`HTTP ${status}`);
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rps: options.count / seconds, cpuUs: (cpu.user + cpu.system) / options.count };
}

const runs = { file: [], redis: [] };
await pass(clients.file);
await pass(clients.redis);
for (let i = 0; i < PASSES; i += 1) {
  for (const store of i % 2 ? ['redis', 'file'] : ['file', 'redis']) runs[store].push(await pass(clients[store]));
}
await Promise.all(Object.values(clients).map((c) => c.close()));
const best = (xs) => ({ rps: Math.max(...xs.map((x) => x.rps)), cpuUs: Math.min(...xs.map((x) => x.cpuUs)) });
process.stdout.write(`${JSON.stringify({ file: best(runs.file), redis: best(runs.redis) })}\n`);
