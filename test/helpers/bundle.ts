import { build } from 'esbuild';
import { spawn } from 'node:child_process';

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

/** Runs a bundled worker script with `node`; resolves with its stdout lines, rejects on a non-zero exit. */
export function runWorker(worker: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 30_000 });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`worker ${worker} exited ${code}: ${out}`))));
  });
}
