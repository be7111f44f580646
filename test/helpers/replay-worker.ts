// A separate process replaying one session file, for the multi-process write-back test. Bundled
// with esbuild by test/helpers/bundle.ts.
//   <dir> <name> <url> <prefix> <count>: <count> requests to <url>?name=<prefix>-<i>, then close()
import { openSession } from '../../src/replay/client.js';
import { FileStore } from '../../src/store/file-store.js';

const [dir, name, url, prefix, count] = process.argv.slice(2);
const session = await openSession(name!, { store: new FileStore({ dir: dir!, lockTimeoutMs: 30_000 }) });
for (let i = 0; i < Number(count); i++) {
  const res = await session.request(`${url}?name=${prefix}-${i}`);
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  await res.body.dump();
}
await session.close();
