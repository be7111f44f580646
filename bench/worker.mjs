// One measurement in a fresh process: node bench/worker.mjs '<json options>'. Warms up, then runs
// `concurrency` request loops for `durationMs` (or until `count` requests), and prints one JSON line
// with requests per second, client CPU per request and peak resident memory.
import { CLIENTS } from './clients.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const client = await CLIENTS[options.client](options);
let errors = 0;
let firstError;

/** Runs request loops until `stop()` says so; resolves to the number of 200 answers. */
async function drive(stop) {
  let done = 0;
  const loop = async () => {
    while (!stop(done)) {
      try {
        if ((await client.one()) === 200) done += 1;
        else errors += 1;
      } catch (error) {
        errors += 1;
        firstError ??= String(error?.cause ?? error);
      }
      if (errors > 100) throw new Error(`${options.client}: too many failures; first: ${firstError ?? 'HTTP status not 200'}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return done;
}

if (options.warmupMs > 0) {
  const end = performance.now() + options.warmupMs;
  await drive(() => performance.now() >= end);
}
process.stdout.write('measuring\n');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const end = t0 + (options.durationMs ?? Infinity);
const requests = await drive(options.count ? (done) => done >= options.count : () => performance.now() >= end);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await client.close();
process.stdout.write(
  `${JSON.stringify({
    client: options.client,
    requests,
    errors,
    rps: requests / seconds,
    cpuUsPerRequest: (cpu.user + cpu.system) / requests,
    maxRssKiB: process.resourceUsage().maxRSS,
  })}\n`,
);
