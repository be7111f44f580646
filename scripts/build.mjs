// Builds the library (tsc: dist/**/*.js + .d.ts) and the CLI as one esbuild bundle (dist/cli.js):
// a single file with lazily loaded chunks starts much faster than hundreds of node_modules files.
// Playwright stays external: only `record` loads it, and only when it runs.
// Everything is built into a fresh folder that then replaces dist/ by rename, so a test or a
// parallel build never runs a half-written dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * zod's `z` namespace re-exports every locale (about 360 KB of the bundle, parsed on every start);
 * sessionjar's messages are English, so the bundle keeps only `en`. Measured: the CLI's chunks go
 * from 2.58 MB to 2.22 MB.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`) ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/** `undici` in the CLI is the part of it the replay client uses (scripts/undici-core.cjs says why). */
const undiciCore = {
  name: 'undici-core',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: resolve('scripts/undici-core.cjs') }));
  },
};

/**
 * undici's Client loads its HTTP/2 half, and with it node:http2, node:tls and node:crypto, when it is
 * itself loaded; a plain-http request needs none of them. This loads it on the first HTTP/2
 * connection instead (undici calls it only there). The build fails if undici's line ever changes,
 * rather than shipping an unpatched or a wrongly patched client.
 */
const lazyHttp2 = {
  name: 'undici-lazy-http2',
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const eager = "const connectH2 = require('./client-h2.js')";
      if (source.split(eager).length !== 2) throw new Error(`${args.path}: expected exactly one "${eager}"; update scripts/build.mjs`);
      const lazy = "let clientH2\nconst connectH2 = (client, socket) => (clientH2 ??= require('./client-h2.js'))(client, socket)";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

/**
 * request.ts defines its commander command next to the action the request bundle runs; commander
 * has no side effects to keep, so the bundle leaves it out once nothing uses it (and would keep
 * it, correctly, if something did).
 */
const commanderIfUsed = {
  name: 'commander-if-used',
  setup(b) {
    b.onResolve({ filter: /^commander$/ }, async (args) => {
      if (args.pluginData === commanderIfUsed) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: commanderIfUsed });
      return { ...resolved, sideEffects: false };
    });
  },
};

/**
 * Two changes to tough-cookie for a cold start; the build fails if either line ever changes.
 * - It loads tldts (the public suffix list) with itself, yet needs it only when it checks a cookie's
 *   domain (a Set-Cookie, a lookup by URL); sending the stored cookies needs none. This loads it on
 *   the first check instead.
 * - Its IPv6 pattern is large: V8 compiles it on first use, about 3 ms, and tough-cookie tries it on
 *   every cookie domain. Each of its alternatives holds a ':', so a domain without one skips it with
 *   the same answer.
 */
const toughCookie = {
  name: 'tough-cookie-cold-start',
  setup(b) {
    b.onLoad({ filter: /[\\/]tough-cookie[\\/]dist[\\/]index\.js$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      const replace = (eager, lazy) => {
        if (source.split(eager).length !== 2) throw new Error(`${args.path}: expected exactly one '${eager}'; update scripts/build.mjs`);
        source = source.replace(eager, () => lazy);
      };
      replace('import { getDomain } from "tldts";', 'let tldts;\nconst getDomain = (...args) => (tldts ??= require("tldts")).getDomain(...args);');
      const ipV6 = 'var IP_V6_REGEX_OBJECT = new RegExp(`^${IP_V6_REGEX}$`);';
      replace(ipV6, `${ipV6}\nconst ipV6Test = IP_V6_REGEX_OBJECT.test;\nIP_V6_REGEX_OBJECT.test = function (s) { return \`\${s}\`.includes(":") && ipV6Test.call(this, s); };`);
      return { contents: source, loader: 'js' };
    });
  },
};

/**
 * In dist/cli.js the plain-request path is dist/request.cjs (built below), loaded with its code
 * cache. As CommonJS, not by import(): importing CommonJS from ESM first scans the whole file for
 * its export names, which costs more than compiling it.
 */
const requestBundle = {
  name: 'request-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\/request-loader\.js$/ }, (args) => ({ path: join(args.resolveDir, 'request-loader.js'), namespace: 'request-bundle' }));
    b.onLoad({ filter: /.*/, namespace: 'request-bundle' }, (args) => ({
      contents: [
        "import { fileURLToPath } from 'node:url';",
        "import { requireCached } from './code-cache.js';",
        "export const loadRequestPath = async () => requireCached(fileURLToPath(new URL('./request.cjs', import.meta.url)));",
      ].join('\n'),
      resolveDir: dirname(args.path),
      loader: 'ts',
    }));
  },
};

const out = `dist.build-${process.pid}`;
try {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], { stdio: 'inherit' });
  await build({
    entryPoints: { cli: 'src/cli/bin.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['playwright-core', 'playwright', '@playwright/test'],
    banner: { js: "import { createRequire as __sjCreateRequire } from 'node:module'; const require = __sjCreateRequire(import.meta.url);" },
    plugins: [requestBundle, zodEnglishOnly, undiciCore, lazyHttp2, toughCookie],
    logLevel: 'warning',
  });
  // A plain `sessionjar request` (cli/request-fast.ts) as one CommonJS file: one file to read and
  // compile instead of a dozen ESM chunks to resolve, and CommonJS loads faster than ESM. Without
  // whitespace and comments V8 parses it faster; names stay as they are, for stack traces.
  await build({
    entryPoints: ['src/cli/request-fast.ts'],
    outfile: join(out, 'request.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['playwright-core', 'playwright', '@playwright/test'],
    plugins: [commanderIfUsed, zodEnglishOnly, undiciCore, lazyHttp2, toughCookie],
    // import('playwright-core') as require(): code-cache.ts runs the bundle without an ESM loader.
    supported: { 'dynamic-import': false },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  // V8's code cache for it (src/cli/code-cache.ts, scripts/request-cache.mjs), made under the flags
  // bin.ts sets for a request (src/replay/linear-regexp.ts's, then --liftoff-only): V8 accepts a
  // cache only under the flags it was made with (test/cli/cold-start.spec.ts checks).
  execFileSync(process.execPath, ['--enable-experimental-regexp-engine', '--liftoff-only', 'scripts/request-cache.mjs', out], { stdio: 'inherit' });
  const old = `dist.old-${process.pid}`;
  try {
    renameSync('dist', old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  renameSync(out, 'dist');
  rmSync(old, { recursive: true, force: true });
} catch (error) {
  rmSync(out, { recursive: true, force: true });
  if (error.status === undefined) throw error;
  process.exitCode = 1;
}
