import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Runs the real CLI as a person would, with its headed browser reachable over CDP so a test can
 * click and type in the page while the CLI waits (SESSIONJAR_BROWSER_ARGS=--remote-debugging-port).
 */

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The CLI bundled from the current source into node_modules/.cache (so `playwright-core` resolves),
 * rather than dist/, which another build may be rewriting.
 */
export async function bundleCli(tag: string): Promise<string> {
  const outdir = join(ROOT, 'node_modules/.cache/sessionjar-test', `${tag}-${process.pid}`);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { cli: join(ROOT, 'src/cli/bin.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['playwright-core'],
    banner: { js: "import { createRequire as __sjCreateRequire } from 'node:module'; const require = __sjCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return join(outdir, 'cli.mjs');
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/**
 * Starts `node <cli> ...args`, under `xvfb-run -a` when `display` (a headed browser needs one).
 * `exit` is the CLI's own status: xvfb-run exits with one of its own when its clean-up fails (5,
 * the CLI's code for a bad input), so under it the CLI's status is also written to a file.
 */
export function startCli(cli: string, args: string[], options: { env?: NodeJS.ProcessEnv; display?: boolean } = {}): CliRun {
  const statusFile = options.display ? join(mkdtempSync(join(tmpdir(), 'sj-cli-status-')), 'status') : undefined;
  const command = statusFile
    ? ['xvfb-run', '-a', 'sh', '-c', '"$0" "$@"; status=$?; echo "$status" > "$SJ_TEST_STATUS_FILE"; exit "$status"', process.execPath, cli, ...args]
    : [process.execPath, cli, ...args];
  const env = statusFile ? { ...(options.env ?? process.env), SJ_TEST_STATUS_FILE: statusFile } : (options.env ?? process.env);
  const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d));
  child.stderr?.on('data', (d: Buffer) => (err += d));
  const exit = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      if (statusFile === undefined) return r(code);
      const status = existsSync(statusFile) ? readFileSync(statusFile, 'utf8').trim() : '';
      rmSync(dirname(statusFile), { recursive: true, force: true });
      r(/^\d+$/.test(status) ? Number(status) : code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Connects to the CLI's browser on `port`; bounded: 150 tries over about 30 s. */
export async function connectToCliBrowser(port: number, run: CliRun): Promise<Browser> {
  let lastError: unknown;
  for (let i = 0; i < 150; i++) {
    if (run.child.exitCode !== null) throw new Error(`the CLI exited (${run.child.exitCode}) before its browser was reachable:\n${run.stderr()}`);
    try {
      return await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 2000 });
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`no browser on port ${port}: ${(lastError as Error)?.message}\n${run.stderr()}`);
}

/** The first page whose URL matches; bounded: 100 tries over about 20 s. */
export async function findPage(browser: Browser, match: (url: string) => boolean): Promise<Page> {
  for (let i = 0; i < 100; i++) {
    const page = browser.contexts().flatMap((c) => c.pages()).find((p) => match(p.url()));
    if (page) return page;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no page matching; open: ${browser.contexts().flatMap((c) => c.pages()).map((p) => p.url()).join(', ')}`);
}
