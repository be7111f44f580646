// A separate process that keeps sending requests with a session in a store, with auto-refresh,
// until its stdin ends: the fleet outage tests (Redis restarted, the network to Redis cut).
// Bundled by test/helpers/bundle.ts.
//   <store-url> <name> <url> [command-timeout-ms]
// One JSON line per event: {"refreshed":"oauth"|"elsewhere"}, then {"status":200} or
// {"error":"IO_ERROR"} for a request, only when it differs from the last one said.
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { openStore } from '../../src/store/open-store.js';

const [url, name, target, commandTimeout] = process.argv.slice(2);
const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
const store = await openStore(url!, { keys: null, ...(commandTimeout ? { commandTimeoutMs: Number(commandTimeout) } : {}) });
let stopping = false;
let last = '';
process.stdin.on('end', () => (stopping = true)).resume();
const refresher = createRefresher({ store, name: name!, interactive: false, onRefresh: (r) => {
  say({ refreshed: r.strategy ?? 'elsewhere' });
  last = '';
} });
const client = await openSession(name!, { store, refresher });
// Bounded: the test ends it long before this.
for (let i = 0; i < 100_000 && !stopping; i++) {
  let event: { status: number } | { error: string };
  try {
    const res = await client.request(target!);
    await res.body.dump();
    event = { status: res.status };
  } catch (error) {
    event = { error: (error as { code?: string }).code ?? 'unknown' };
  }
  if (JSON.stringify(event) !== last) say(event);
  last = JSON.stringify(event);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
// A write-back that cannot land now is not this test's concern.
await client.close().catch(() => undefined);
await store.close();
