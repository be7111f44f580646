// A separate process using a pool, for the multi-process pool test. Bundled by test/helpers/bundle.ts.
//   <dir> <prefix> <pick> <count> <url>: sends <count> requests one after another, prints the account of each.
import { openPool } from '../../src/pool/pool.js';
import type { PickStrategy } from '../../src/pool/types.js';
import { FileStore } from '../../src/store/file-store.js';

const [dir, prefix, pick, count, url] = process.argv.slice(2);
const pool = await openPool(prefix!, { store: new FileStore({ dir: dir!, keys: null }), pick: pick as PickStrategy, refresh: { interactive: false } });
try {
  for (let i = 0; i < Number(count); i++) {
    const res = await pool.request(url!);
    await res.body.dump();
    process.stdout.write(`${res.session}\n`);
  }
} finally {
  await pool.close();
}
