// A separate process that opens a session with auto-refresh and sends one request, for the
// multi-process refresh tests (a folder of session files, or a fleet on Redis). Bundled by
// test/helpers/bundle.ts.
//   <store> <name> <url> [lock-ttl-ms]: <store> is a folder or a redis://, unix:// URL (openStore).
//   Prints `status=<n> refreshed=<strategy|elsewhere|none>` and exits 0, or the error code.
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { openStore } from '../../src/store/open-store.js';

const [where, name, url, ttl] = process.argv.slice(2);
let refreshed = 'none';
const store = await openStore(where!, ttl ? { lockTtlMs: Number(ttl) } : {});
const refresher = createRefresher({ store, name: name!, interactive: false, onRefresh: (r) => (refreshed = r.strategy ?? 'elsewhere') });
try {
  const client = await openSession(name!, { store, refresher });
  const res = await client.request(url!);
  await res.body.dump();
  await client.close();
  process.stdout.write(`status=${res.status} refreshed=${refreshed}\n`);
} catch (error) {
  process.stdout.write(`error=${(error as { code?: string }).code ?? 'unknown'} ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await store.close();
}
