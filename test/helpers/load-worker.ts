// A separate process replaying one session under load with write-back and automatic refresh, for
// the multi-process refresh tests (issue 17 on files, the fleet refresh-ahead test on Redis).
// Bundled by test/helpers/bundle.ts.
//   <store> <name> <url> <count> <concurrency> <deadline-ms> [margin-s] [pause-ms]: <store> is a
//   folder or a redis://, unix:// URL (openStore). Up to <count> GETs of <url> (0: no limit),
//   <concurrency> at a time, each lane pausing <pause-ms> between them (a steady load that leaves
//   the cores to the others), until the deadline or an answer carrying `x-stop`; prints one JSON line:
//   { statuses: { "200": n }, errors: { "<code>: <message>": n }, logins: n, elsewhere: n, done: n }
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { openStore } from '../../src/store/open-store.js';

const [where, name, url, count, concurrency, deadlineMs, margin, pauseMs] = process.argv.slice(2);
const store = await openStore(where!, { keys: null, lockTimeoutMs: 30_000 });
const summary = { statuses: {} as Record<string, number>, errors: {} as Record<string, number>, logins: 0, elsewhere: 0, done: 0 };
const refresher = createRefresher({
  store,
  name: name!,
  interactive: false,
  ...(margin === undefined ? {} : { marginSeconds: Number(margin) }),
  onRefresh: (r) => (r.refreshedElsewhere ? summary.elsewhere++ : summary.logins++),
});
const client = await openSession(name!, { store, refresher });
const limit = Number(count) || Infinity;
const deadline = Date.now() + Number(deadlineMs);
let next = 0;
let stop = false;
async function lane(): Promise<void> {
  while (next < limit && Date.now() < deadline && !stop) {
    next++;
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
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, Number(pauseMs)));
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
await client.close();
await store.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
