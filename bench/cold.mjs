// Cold start: a fresh process that loads a plain session file, sends one request and exits, against
// `node -e 0` and the plain undici script (bench/cold-undici.mjs) in the same run. The three run
// interleaved, in an order that rotates every round, so drift on a shared machine hits all alike.
// Standalone: `npm run build && node bench/cold.mjs` (BENCH_COLD_RUNS, default 15) prints the ratios;
// bench/run.mjs calls coldStart() for its table.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const COLD_TARGETS = { undici: 0.5, node: 2 };

/**
 * Wall times (ms) of `runs` rounds of: `node -e 0`, bench/cold-undici.mjs with `cookie`, and
 * `node <cli> --dir <storeDir> request <name> <url>`. Each answer must hold `expect`.
 */
export function coldStart({ runs, cli, storeDir, name, url, cookie, expect = '"ok":true' }) {
  const commands = {
    node: { args: ['-e', '0'] },
    undici: { args: [fileURLToPath(new URL('cold-undici.mjs', import.meta.url)), url, cookie], expect },
    cli: { args: [cli, '--dir', storeDir, 'request', name, url], expect },
  };
  const times = { node: [], undici: [], cli: [] };
  const order = Object.keys(commands);
  for (let round = 0; round < runs; round += 1) {
    for (const which of order.map((_, i) => order[(i + round) % order.length])) {
      const { args, expect: want } = commands[which];
      const t0 = performance.now();
      const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (run.status !== 0 || (want && !run.stdout.includes(want))) throw new Error(`cold start (${which}) failed: ${run.status} ${run.stderr}`);
      times[which].push(ms);
    }
  }
  return times;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The CLI's median against each reference's median. */
export function coldRatios(times) {
  return { undici: median(times.cli) / median(times.undici), node: median(times.cli) / median(times.node) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const work = mkdtempSync(join(tmpdir(), 'sessionjar-cold-'));
  const server = spawn(process.execPath, [fileURLToPath(new URL('cold-server.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', resolve));
    const at = new Date().toISOString();
    const cookie = { domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, sameSite: 'Lax' };
    const doc = {
      version: 1, generator: 'sessionjar@0.1.0', name: 'bench', createdAt: at, updatedAt: at,
      cookies: [{ name: 'sid', value: 'ok-initial', ...cookie }, { name: 'theme', value: 'dark', ...cookie, httpOnly: false }],
      origins: [], headers: { default: { 'user-agent': 'Mozilla/5.0 (bench)' }, origins: {}, rules: [] },
    };
    mkdirSync(join(work, 'store'));
    writeFileSync(join(work, 'store', 'bench.json'), `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
    const runs = Number(process.env.BENCH_COLD_RUNS ?? 15);
    const times = coldStart({ runs, cli: 'dist/cli.js', storeDir: join(work, 'store'), name: 'bench', url, cookie: 'sid=ok-initial; theme=dark' });
    const ratios = coldRatios(times);
    const fmt = (x) => x.toFixed(2);
    process.stdout.write(
      `cold start, median of ${runs} interleaved runs: node -e 0 ${median(times.node).toFixed(0)} ms, plain undici script ${median(times.undici).toFixed(0)} ms, ` +
        `sessionjar request ${median(times.cli).toFixed(0)} ms\n` +
        `sessionjar request: ${fmt(ratios.undici)}× the undici script (target ≤ ${COLD_TARGETS.undici}), ${fmt(ratios.node)}× node -e 0 (target ≤ ${COLD_TARGETS.node})\n`,
    );
  } finally {
    server.stdin.end();
    rmSync(work, { recursive: true, force: true });
  }
}
