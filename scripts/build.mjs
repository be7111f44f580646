// Builds the library's types (tsc: dist/**/*.d.ts), the library as an esbuild bundle
// (dist/index.js with its lazily loaded chunks in dist/lib/) and the CLI as another (dist/cli.js):
// a single file with lazily loaded chunks starts much faster than hundreds of node_modules files.
// Playwright stays external: only `record` loads it, and only when it runs. So does the Redis
// client: only a --store redis://… loads it.
// Everything is built into a fresh folder that then replaces dist/ by rename, so a test or a
// parallel build never runs a half-written dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * zod's `z` namespace re-exports every locale (about 360 KB of the bundle, parsed on every start);
 * sessionjar's messages are English, so the bundles keep only `en`. Measured: the CLI's chunks go
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
 * Two modules a dependency loads with itself that a plain request never uses: undici's HTTP/2 half
 * (with node:http2, node:tls and node:crypto) and tough-cookie's public suffix list (tldts). In the
 * CLI the import resolves to a loader of our own that requires the very module on first use
 * (scripts/lazy-*.cjs); both packages' files are bundled as published, never edited. Should a
 * dependency stop importing the module that way, the build still works, says so, and the CLI loads
 * the module eagerly (test/cli/cold-start.spec.ts then fails).
 */
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    const swaps = [
      { importer: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/, specifier: './client-h2.js', loader: 'scripts/lazy-client-h2.cjs' },
      { importer: /[\\/]tough-cookie[\\/]dist[\\/]index\.c?js$/, specifier: 'tldts', loader: 'scripts/lazy-tldts.cjs' },
    ];
    const used = new Set();
    for (const swap of swaps) {
      const filter = new RegExp(`^${swap.specifier.replace(/[.]/g, '\\.')}$`);
      b.onResolve({ filter }, (args) => {
        if (!swap.importer.test(args.importer)) return undefined;
        used.add(swap);
        return { path: resolve(swap.loader) };
      });
    }
    b.onEnd(() => {
      for (const swap of swaps) if (!used.has(swap)) console.warn(`scripts/build.mjs: nothing imports '${swap.specifier}' as ${swap.importer} did; ${swap.loader} is unused and the module loads eagerly`);
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

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `dist.build-${process.pid}`;
try {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], { stdio: 'inherit' });
  // The library as a bundle rather than tsc's hundred-odd modules plus zod's: importing it costs a
  // replaying script about 5 MiB less peak memory (bench/run.mjs's RSS rows). zod is inlined with
  // only its English locale; the other dependencies stay packages of their own, shared with the
  // caller's (an undici Agent given as `dispatcher`). Without whitespace the source has no comments,
  // so V8 keeps it as one-byte text; names stay, for stack traces.
  await build({
    entryPoints: { index: 'src/index.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    chunkNames: 'lib/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...Object.keys(pkg.dependencies).filter((name) => name !== 'zod'), 'playwright', '@playwright/test'],
    plugins: [zodEnglishOnly],
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  await build({
    entryPoints: { cli: 'src/cli/bin.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['playwright-core', 'playwright', '@playwright/test', '@redis/client'],
    banner: { js: "import { createRequire as __sjCreateRequire } from 'node:module'; const require = __sjCreateRequire(import.meta.url);" },
    plugins: [requestBundle, zodEnglishOnly, undiciCore, lazyModules],
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
    external: ['playwright-core', 'playwright', '@playwright/test', '@redis/client'],
    plugins: [commanderIfUsed, zodEnglishOnly, undiciCore, lazyModules],
    // import('playwright-core') as require(): code-cache.ts runs the bundle without an ESM loader.
    supported: { 'dynamic-import': false },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  // V8's code cache for it (src/cli/code-cache.ts, scripts/request-cache.mjs), made under the flags
  // bin.ts sets for a request (src/replay/linear-regexp.ts's, then --liftoff-only): V8 accepts a
  // cache only under the flags it was made with (test/cli/cold-start.spec.ts checks). tsc emits
  // only types, so the two modules the script needs are built for it, then removed.
  const tools = join(out, 'cache-tools');
  await build({
    entryPoints: { 'code-cache': 'src/cli/code-cache.ts', 'request-argv': 'src/cli/request-argv.ts' },
    outdir: tools,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  execFileSync(process.execPath, ['--enable-experimental-regexp-engine', '--liftoff-only', 'scripts/request-cache.mjs', out, tools], { stdio: 'inherit' });
  rmSync(tools, { recursive: true, force: true });
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
