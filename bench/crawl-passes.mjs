// A crawl against the fixed URL in one process: node bench/crawl-passes.mjs '<json options>'.
// Two clients of one kind (`client`, from clients.mjs), one walking a new path and query on every
// request, one on a fixed URL, take turns in passes of `count` requests at `concurrency`; the
// fastest pass of each counts (on a busy machine the slower ones measure the machine, not the
// client). One process, so both share the JIT, the heap and the machine's mood: what is left is
// the cost of the URL mix. Prints one JSON line with the CPU µs per request of each.
import { copyFileSync } from 'node:fs';
import { CLIENTS } from './clients.mjs';
import { bestOfTurns } from './passes.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
// Each sessionjar client writes its cookies back to a file of its own.
const crawlFile = `${options.sessionFile}.crawl.json`;
copyFileSync(options.sessionFile, crawlFile);
const crawl = await CLIENTS[options.client]({ ...options, crawl: true, sessionFile: crawlFile });
const fixed = await CLIENTS[options.client]({ ...options, crawl: false });

const best = await bestOfTurns({ fixed, crawl }, options);
await Promise.all([crawl.close(), fixed.close()]);
process.stdout.write(`${JSON.stringify({ crawlUs: best.crawl.cpuUs, fixedUs: best.fixed.cpuUs })}\n`);
