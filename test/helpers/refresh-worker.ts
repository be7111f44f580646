// A separate process that opens a session with auto-refresh and sends one request, for the
// multi-process refresh test. Bundled by test/helpers/bundle.ts.
//   <dir> <name> <url>: prints `status=<n> refreshed=<strategy|elsewhere|none>` and exits 0, or the error code.
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { FileStore } from '../../src/store/file-store.js';

const [dir, name, url] = process.argv.slice(2);
const store = new FileStore({ dir: dir! });
let refreshed = 'none';
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
}
