// A separate process replaying one session file under load with write-back and automatic refresh,
// for the multi-process refresh test (issue 17). Bundled by test/helpers/bundle.ts.
//   <dir> <name> <url> <count> <concurrency> <deadline-ms>: <count> GETs of <url>, <concurrency> at
//   a time, stopping early at the deadline or once an answer carries `x-stop`; prints one JSON line:
//   { statuses: { "200": n }, errors: { "<code>: <message>": n }, logins: n, elsewhere: n, done: n }
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { FileStore } from '../../src/store/file-store.js';

const [dir, name, url, count, concurrency, deadlineMs] = process.argv.slice(2);
const store = new FileStore({ dir: dir!, lockTimeoutMs: 30_000 });
const summary = { statuses: {} as Record<string, number>, errors: {} as Record<string, number>, logins: 0, elsewhere: 0, done: 0 };
const refresher = createRefresher({
  store,
  name: name!,
  interactive: false,
  onRefresh: (r) => (r.refreshedElsewhere ? summary.elsewhere++ : summary.logins++),
});
const client = await openSession(name!, { store, refresher });
const deadline = Date.now() + Number(deadlineMs);
let next = 0;
let stop = false;
async function lane(): Promise<void> {
  while (next < Number(count) && Date.now() < deadline && !stop) {
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
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
await client.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
