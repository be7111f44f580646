// A crawl against the fixed URL in one process: node bench/crawl-passes.mjs '<json options>'.
// Two clients of one kind (`client`, from clients.mjs), one walking a new path and query on every
// request, one on a fixed URL, take turns in passes of `count` requests at `concurrency`; the
// fastest pass of each counts (on a busy machine the slower ones measure the machine, not the
// client). One process, so both share the JIT, the heap and the machine's mood: what is left is
// the cost of the URL mix. Prints one JSON line with the CPU µs per request of each.
import { copyFileSync } from 'node:fs';
import { CLIENTS } from './clients.mjs';

const PASSES = 10;
const options = JSON.parse(process.argv[2] ?? '{}');
// Each sessionjar client writes its cookies back to a file of its own.
const crawlFile = `${options.sessionFile}.crawl.json`;
copyFileSync(options.sessionFile, crawlFile);
const crawl = await CLIENTS[options.client]({ ...options, crawl: true, sessionFile: crawlFile });
const fixed = await CLIENTS[options.client]({ ...options, crawl: false });

/** CPU µs per request over one pass of `client`. */
async function pass(client) {
  let left = options.count;
  const loop = async () => {
    while (left > 0) {
      left -= 1;
      const status = await client.one();
      if (status !== 200) throw new Error(`${options.client}: HTTP ${status}`);
    }
  };
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / options.count;
}

await pass(fixed);
await pass(crawl);
const runs = { crawl: [], fixed: [] };
for (let i = 0; i < PASSES; i += 1) {
  runs.fixed.push(await pass(fixed));
  runs.crawl.push(await pass(crawl));
}
await Promise.all([crawl.close(), fixed.close()]);
process.stdout.write(`${JSON.stringify({ crawlUs: Math.min(...runs.crawl), fixedUs: Math.min(...runs.fixed) })}\n`);
