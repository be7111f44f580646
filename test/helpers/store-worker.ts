// A separate process that works on a FileStore, for the multi-process store tests. Bundled with
// esbuild by test/helpers/bundle.ts (so it runs the current source without a build of dist/).
//   [flags] update <dir> <name> <prefix> <count>: <count> updates, each adding the cookie <prefix>-<i>
//   [flags] save <dir> <name> <generation>: saves a session whose localStorage holds the generation
// Flags, before the mode (src/store/test-hooks.ts):
//   --stop-before-rename: each atomic write stops once its temp file is written and synced, prints
//     "stopped <temp file>" and renames only after a line on stdin (the test kills it or lets it go)
//   --report-busy-lock: prints "lock busy" whenever a lock it waits for is held by another process
import { createInterface } from 'node:readline';
import { mergeCookies } from '../../src/session/merge.js';
import { newSession } from '../../src/session/new-session.js';
import { FileStore } from '../../src/store/file-store.js';
import { storeHooks } from '../../src/store/test-hooks.js';

const args = process.argv.slice(2);
const lines = createInterface({ input: process.stdin });
while (args[0]?.startsWith('--')) {
  const flag = args.shift();
  if (flag === '--stop-before-rename') {
    storeHooks.beforeRename = async (temp) => {
      process.stdout.write(`stopped ${temp}\n`);
      await new Promise((go) => lines.once('line', go).once('close', go));
    };
  } else if (flag === '--report-busy-lock') {
    storeHooks.lockBusy = () => process.stdout.write('lock busy\n');
  } else {
    throw new Error(`unknown flag ${flag}`);
  }
}
const [mode, dir, name, arg1, arg2] = args;
const store = new FileStore({ dir: dir!, lockTimeoutMs: 30_000 });

if (mode === 'update') {
  for (let i = 0; i < Number(arg2); i++) {
    const cookie = { name: `${arg1}-${i}`, value: String(i), domain: 'example.com', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false, setAt: Date.now() };
    await store.update(name!, (s) => ({ ...s, cookies: mergeCookies(s.cookies, { set: [cookie], removed: [] }) }));
  }
} else if (mode === 'save') {
  const origins = [{ origin: 'https://example.com', localStorage: { generation: arg1! }, sessionStorage: {} }];
  await store.save(name!, { ...newSession(name!), origins });
} else {
  throw new Error(`unknown mode ${mode}`);
}
lines.close();
