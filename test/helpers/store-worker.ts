// A separate process that works on a FileStore, for the multi-process store tests. Bundled with
// esbuild by test/helpers/bundle.ts (so it runs the current source without a build of dist/).
//   update <dir> <name> <prefix> <count>: <count> updates, each adding the cookie <prefix>-<i>
//   save-loop <dir> <name> <megabytes>: saves forever a session whose localStorage holds one value of
//     that size, printing "saved <n>" after each save (big, so a kill often lands mid-write)
import { mergeCookies } from '../../src/session/merge.js';
import { newSession } from '../../src/session/new-session.js';
import { FileStore } from '../../src/store/file-store.js';

const [mode, dir, name, arg1, arg2] = process.argv.slice(2);
const store = new FileStore({ dir: dir!, lockTimeoutMs: 30_000 });

if (mode === 'update') {
  for (let i = 0; i < Number(arg2); i++) {
    const cookie = { name: `${arg1}-${i}`, value: String(i), domain: 'example.com', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false, setAt: Date.now() };
    await store.update(name!, (s) => ({ ...s, cookies: mergeCookies(s.cookies, { set: [cookie], removed: [] }) }));
  }
} else if (mode === 'save-loop') {
  const padding = 'x'.repeat(Number(arg1) * 1024 * 1024);
  for (let n = 1; ; n++) {
    const origins = [{ origin: 'https://example.com', localStorage: { generation: String(n), blob: padding }, sessionStorage: {} }];
    await store.save(name!, { ...newSession(name!), origins });
    process.stdout.write(`saved ${n}\n`);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
