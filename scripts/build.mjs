// Builds the library (tsc: dist/**/*.js + .d.ts) and the CLI as one esbuild bundle (dist/cli.js):
// a single file with lazily loaded chunks starts much faster than hundreds of node_modules files.
// Playwright stays external: only `record` loads it, and only when it runs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await build({
  entryPoints: { cli: 'src/cli/bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['playwright-core', 'playwright', '@playwright/test'],
  banner: { js: "import { createRequire as __sjCreateRequire } from 'node:module'; const require = __sjCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
