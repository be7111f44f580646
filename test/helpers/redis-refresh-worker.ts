// A separate process that opens a session in a Redis store with auto-refresh and sends one request,
// for the fleet refresh test. Bundled by test/helpers/bundle.ts.
//   <store-url> <name> <url> [lock-ttl-ms]: prints `status=<n> refreshed=<strategy|elsewhere|none>`, or the error code.
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { RedisStore } from '../../src/store/redis-store.js';

const [url, name, target, ttl] = process.argv.slice(2);
const store = new RedisStore({ url: url!, keys: null, ...(ttl ? { lockTtlMs: Number(ttl) } : {}) });
let refreshed = 'none';
const refresher = createRefresher({ store, name: name!, interactive: false, onRefresh: (r) => (refreshed = r.strategy ?? 'elsewhere') });
try {
  const client = await openSession(name!, { store, refresher });
  const res = await client.request(target!);
  await res.body.dump();
  await client.close();
  process.stdout.write(`status=${res.status} refreshed=${refreshed}\n`);
} catch (error) {
  process.stdout.write(`error=${(error as { code?: string }).code ?? 'unknown'} ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await store.close();
}
