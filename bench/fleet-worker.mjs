// One worker of the fleet bench: node bench/fleet-worker.mjs '<json options>'. Connects to the
// Redis store and prints `loaded`; on a line `{"url": …}` on stdin opens the session there with
// automatic refresh (margin `marginSeconds`) and sends GETs to that URL,
// two at a time, each waiting `pauseMs` after an answer, until an answer carries `x-stop`. Prints `ready`
// after its first answered request, then one JSON line: { done, failed, firstError }.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const o = JSON.parse(process.argv[2] ?? '{}');
const lib = await import(pathToFileURL(join(o.dist, 'index.js')).href);
const store = await lib.openStore(o.storeUrl, { keys: null });
// Started and connected: the round begins (the session saved, its URL given) once all are.
process.stdout.write('loaded\n');
const { url } = JSON.parse(await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve)));
const session = await lib.openSession(o.name, { store, refresh: { marginSeconds: o.marginSeconds, interactive: false } });
process.stdin.destroy();
let done = 0;
let failed = 0;
let firstError;
let stop = false;
const lane = async () => {
  while (!stop) {
    try {
      const res = await session.request(url);
      await res.body.dump();
      if (res.headers['x-stop']) stop = true;
      if (res.status === 200) done += 1;
      else failed += 1;
      if (done === 1 && res.status === 200) process.stdout.write('ready\n');
    } catch (error) {
      failed += 1;
      firstError ??= String(error?.message ?? error).split('\n')[0];
      if (failed > 100) stop = true;
    }
    await new Promise((resolve) => setTimeout(resolve, o.pauseMs));
  }
};
await Promise.all([lane(), lane()]);
await session.close();
await store.close();
process.stdout.write(`${JSON.stringify({ done, failed, firstError })}\n`);
