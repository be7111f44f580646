// A separate process using a pool, for the multi-process pool tests. Bundled by test/helpers/bundle.ts.
//   <store> <prefix> <pick> <count> <url>: sends <count> requests one after another, prints the account of each.
//   <store> is a folder of session files or a redis:// / unix:// URL (the pool's state is then in Redis).
import { openPool } from '../../src/pool/pool.js';
import type { PickStrategy } from '../../src/pool/types.js';
import { storeAt } from '../../src/store/open-store.js';

const [where, prefix, pick, count, url] = process.argv.slice(2);
const store = storeAt(where!, { keys: null });
const pool = await openPool(prefix!, { store, pick: pick as PickStrategy, refresh: { interactive: false } });
try {
  for (let i = 0; i < Number(count); i++) {
    const res = await pool.request(url!);
    await res.body.dump();
    process.stdout.write(`${res.session}\n`);
  }
} finally {
  await pool.close();
  await store.close();
}
