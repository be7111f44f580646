// A separate process replaying one session from a Redis store under load, with write-back and
// automatic refresh, for the fleet refresh-ahead test. Bundled by test/helpers/bundle.ts.
//   <store-url> <name> <url> <concurrency> <deadline-ms> <margin-s> <pause-ms>: GETs of <url>,
//   <concurrency> at a time, each lane pausing <pause-ms> between them (a steady load that leaves
//   the machine's cores to the others), until the deadline or an answer carrying `x-stop`; prints:
//   { statuses: { "200": n }, errors: { "<code>: <message>": n }, logins: n, elsewhere: n, done: n }
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { RedisStore } from '../../src/store/redis-store.js';

const [storeUrl, name, url, concurrency, deadlineMs, margin, pauseMs] = process.argv.slice(2);
const store = new RedisStore({ url: storeUrl!, keys: null });
const summary = { statuses: {} as Record<string, number>, errors: {} as Record<string, number>, logins: 0, elsewhere: 0, done: 0 };
const refresher = createRefresher({
  store,
  name: name!,
  interactive: false,
  marginSeconds: Number(margin),
  onRefresh: (r) => (r.refreshedElsewhere ? summary.elsewhere++ : summary.logins++),
});
const client = await openSession(name!, { store, refresher });
const deadline = Date.now() + Number(deadlineMs);
let stop = false;
async function lane(): Promise<void> {
  while (Date.now() < deadline && !stop) {
    try {
      const res = await client.request(url!);
      await res.body.dump();
      if (res.headers['x-stop']) stop = true;
      summary.statuses[res.status] = (summary.statuses[res.status] ?? 0) + 1;
    } catch (error) {
      const key = `${(error as { code?: string }).code ?? 'unknown'}: ${(error as Error).message.split('\n')[0]}`;
      summary.errors[key] = (summary.errors[key] ?? 0) + 1;
    }
    summary.done++;
    await new Promise((resolve) => setTimeout(resolve, Number(pauseMs)));
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
await client.close();
await store.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
