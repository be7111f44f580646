// Builds the library (tsc: dist/**/*.js + .d.ts) and the CLI as one esbuild bundle (dist/cli.js):
// a single file with lazily loaded chunks starts much faster than hundreds of node_modules files.
// Playwright stays external: only `record` loads it, and only when it runs.
// Everything is built into a fresh folder that then replaces dist/ by rename, so a test or a
// parallel build never runs a half-written dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

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
    plugins: [zodEnglishOnly],
    logLevel: 'warning',
  });
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
