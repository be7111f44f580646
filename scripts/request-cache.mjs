// Writes dist/request.cjs.cache (src/cli/code-cache.ts) after one plain `sessionjar request` like a
// cold start's: a GET with a session file's cookie to a loopback server. The cache then holds the
// functions that request compiles, not only the bundle's top level.
// Usage (scripts/build.mjs, under the V8 flags bin.ts sets for a request):
//   node <flags> scripts/request-cache.mjs <build dir> <folder with code-cache.mjs and request-argv.mjs>
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = resolve(process.argv[2]);
const tools = resolve(process.argv[3]);
const { writeCodeCache } = await import(pathToFileURL(join(tools, 'code-cache.mjs')).href);
const { parseRequestArgv } = await import(pathToFileURL(join(tools, 'request-argv.mjs')).href);

// An empty body: the request's output goes to this process's stdout.
const server = createServer((_req, res) => res.end());
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const dir = mkdtempSync(join(tmpdir(), 'sessionjar-cache-'));
try {
  const at = new Date().toISOString();
  const cookie = { name: 'sid', value: 'warm', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, sameSite: 'Lax' };
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const session = {
    version: 1, generator: `sessionjar@${version}`, name: 'warm', createdAt: at, updatedAt: at, cookies: [cookie], origins: [],
    headers: { default: { 'user-agent': 'Mozilla/5.0 (warm-up)' }, origins: {}, rules: [] },
  };
  writeFileSync(join(dir, 'warm.json'), JSON.stringify(session), { mode: 0o600 });
  const argv = parseRequestArgv(['node', 'sessionjar', '--dir', dir, 'request', 'warm', `http://127.0.0.1:${server.address().port}/`]);
  await writeCodeCache(join(out, 'request.cjs'), async ({ runFastRequest }) => {
    const code = await runFastRequest(argv);
    if (code !== 0) throw new Error(`the warm-up request for the code cache exited with ${code}`);
    // A plain file takes the quick check; zod's functions in the cache would only slow every start.
    if ('__zod_globalRegistry' in globalThis) throw new Error('the warm-up request for the code cache loaded zod');
  });
} finally {
  server.close();
  server.closeAllConnections();
  rmSync(dir, { recursive: true, force: true });
}
