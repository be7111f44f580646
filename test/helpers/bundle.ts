import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry point into one ESM file that plain `node` runs: lets tests start real
 * child processes on the current source without depending on (or racing) a build of dist/.
 */
export async function bundleScript(entry: string, outfile: string, external: string[] = []): Promise<string> {
  await build({
    // External packages resolve from `outfile`'s folder: keep such bundles inside the repository.
    external,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}
