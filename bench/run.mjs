// `npm run bench`: throughput, memory and cold start of sessionjar against its peers, on loopback.
// The server runs in its own process pinned to core 0, each measurement in a fresh process pinned
// to core 1; rounds interleave the clients so drift on a shared machine hits them all alike.
// Prints a markdown table and writes it into README.md's "Speed" section.
// Knobs: BENCH_ROUNDS (5), BENCH_SECONDS per measurement (1.5), BENCH_COLD_RUNS (15), BENCH_README=0.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CLIENTS, HTTP2_CLIENTS, fixedCookieHeader } from './clients.mjs';
import { COLD_TARGETS, coldRatios, coldStart } from './cold.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 1.5) * 1000;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const RSS_RUNS = 3;
// Other work on the machine compresses every ratio; the table says how busy it was.
const loadAtStart = loadavg()[0];
const RSS_REQUESTS = 10_000;
const SJ = 'sessionjar request()';
const RAW = 'raw undici (fixed Cookie)';

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && cpus().length >= 2;
/** argv for a node process pinned to `core` when the machine allows it. */
const pinned = (core, args) => (hasTaskset ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args]);

const work = mkdtempSync(join(tmpdir(), 'sessionjar-bench-'));
// The build this run measures, copied so a rebuild meanwhile cannot change or break it. It stays
// next to node_modules/ so its imports resolve as dist/'s do.
const dist = `dist.bench-${process.pid}`;
cpSync('dist', dist, { recursive: true });
const keyFile = join(work, 'key.pem');
const caFile = join(work, 'cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile,
  '-out', caFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });

/** A recorded session as the bench server wants it: `sid` plus cookies a real site would also set. */
function writeSession(dir) {
  const at = new Date().toISOString();
  const cookie = (name, value, path, httpOnly) => ({ name, value, domain: '127.0.0.1', hostOnly: true, path, expires: null, httpOnly, secure: false, sameSite: 'Lax' });
  const doc = {
    version: 1, generator: 'sessionjar@0.1.0', name: 'bench', createdAt: at, updatedAt: at,
    cookies: [cookie('sid', 'ok-initial', '/', true), cookie('theme', 'dark', '/', false), cookie('csrftoken', 'c5rf0123456789', '/', false), cookie('admin_ctx', 'x1', '/admin', true)],
    origins: [], headers: { default: { 'user-agent': 'Mozilla/5.0 (bench)' }, origins: {}, rules: [] },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  return join(dir, 'bench.json');
}

const [serverCmd, serverArgs] = pinned(0, ['bench/server.mjs', keyFile, caFile]);
const server = spawn(serverCmd, serverArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
const origins = JSON.parse(await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', resolve)));

/** Server CPU seconds so far, to tell when the server rather than the client was the limit. */
function serverCpu() {
  try {
    const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN; // no /proc (not Linux): the column shows n/a
  }
}

/** One measurement in a fresh pinned process. */
function measure(options) {
  const [cmd, args] = pinned(1, ['bench/worker.mjs', JSON.stringify(options)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let cpu0 = 0;
    let t0 = 0;
    let result;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'measuring') [cpu0, t0] = [serverCpu(), performance.now()];
      else result = { ...JSON.parse(line), serverBusy: (serverCpu() - cpu0) / ((performance.now() - t0) / 1000) };
    });
    child.on('close', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`${options.client} failed (${code}): ${stderr.trim()}`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

const sessionFile = writeSession(join(work, 'store'));
const scenarios = [
  { name: 'HTTP/1.1, concurrency 1', url: `${origins.http}/api/me`, http2: false, concurrency: 1, clients: Object.keys(CLIENTS) },
  { name: 'HTTP/1.1, concurrency 32', url: `${origins.http}/api/me`, http2: false, concurrency: 32, clients: Object.keys(CLIENTS) },
  { name: 'HTTP/2 over TLS, concurrency 1', url: `${origins.https}/api/me`, http2: true, concurrency: 1, clients: HTTP2_CLIENTS },
  { name: 'HTTP/2 over TLS, concurrency 32', url: `${origins.https}/api/me`, http2: true, concurrency: 32, clients: HTTP2_CLIENTS },
];
/** results[scenario][client] = per-round measurements */
const results = Object.fromEntries(scenarios.map((s) => [s.name, Object.fromEntries(s.clients.map((c) => [c, []]))]));

try {
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of scenarios) {
      for (const client of rotate(s.clients, round)) {
        // Each run gets its own copy of the session: sessionjar writes cookie updates back.
        const file = writeSession(join(work, `r${round}`));
        const r = await measure({ client, dist, url: s.url, http2: s.http2, concurrency: s.concurrency, sessionFile: file, caFile, warmupMs: 400, durationMs: DURATION_MS });
        results[s.name][client].push(r);
      }
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }

  const rss = { [SJ]: [], [RAW]: [] };
  for (let i = 0; i < RSS_RUNS; i += 1) {
    for (const client of [SJ, RAW]) {
      const file = writeSession(join(work, `rss${i}`));
      const r = await measure({ client, dist, url: scenarios[1].url, http2: false, concurrency: 32, sessionFile: file, caFile, warmupMs: 0, count: RSS_REQUESTS });
      rss[client].push(r.maxRssKiB);
    }
  }

  const cookie = fixedCookieHeader(JSON.parse(readFileSync(sessionFile, 'utf8')));
  const cold = coldStart({ runs: COLD_RUNS, cli: join(dist, 'cli.js'), storeDir: join(work, 'store'), name: 'bench', url: `${origins.http}/api/me`, cookie });

  const table = report(results, rss, cold);
  process.stdout.write(`${table}\n`);
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(join('bench', 'results', 'latest.json'), JSON.stringify({ results, rss, cold }, null, 2), { flag: 'w' });
  if (process.env.BENCH_README !== '0') updateReadme(table);
} finally {
  server.stdin.end();
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
}

function report(results, rss, cold) {
  const lines = [];
  const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
  const ratios = {};
  for (const s of scenarios) {
    lines.push(`**${s.name}**`, '', '| client | req/s (median) | × raw undici | client CPU µs/req | server busy |', '| --- | ---: | ---: | ---: | ---: |');
    const runs = results[s.name];
    ratios[s.name] = {};
    for (const client of s.clients) {
      // Ratios are taken within each round (the runs were interleaved), then the median.
      const ratio = median(runs[client].map((r, i) => r.rps / runs[RAW][i].rps));
      ratios[s.name][client] = ratio;
      lines.push(`| ${client} | ${fmt(median(runs[client].map((r) => r.rps)), 0)} | ${fmt(ratio)} | ${fmt(median(runs[client].map((r) => r.cpuUsPerRequest)), 0)} | ${fmt(100 * median(runs[client].map((r) => r.serverBusy)), 0)}% |`);
    }
    lines.push('');
  }
  const rssRatio = median(rss[SJ]) / median(rss[RAW]);
  const coldRatio = coldRatios(cold);
  lines.push('**Memory and cold start**', '', '| measurement | sessionjar | raw undici | ratio |', '| --- | ---: | ---: | ---: |');
  lines.push(`| peak RSS, ${RSS_REQUESTS.toLocaleString('en')} requests at concurrency 32 (MiB, median of ${RSS_RUNS}) | ${fmt(median(rss[SJ]) / 1024, 1)} | ${fmt(median(rss[RAW]) / 1024, 1)} | ${fmt(rssRatio)} |`);
  lines.push(`| cold start, one request in a new process (ms, median of ${COLD_RUNS}) | ${fmt(median(cold.cli), 0)} | ${fmt(median(cold.undici), 0)} | ${fmt(coldRatio.undici)} |`);
  lines.push(`| the same against \`node -e 0\` (${fmt(median(cold.node), 0)} ms) | | | ${fmt(coldRatio.node)} |`, '');

  const h1c1 = ratios[scenarios[0].name];
  const h1c32 = ratios[scenarios[1].name];
  const h2c1 = ratios[scenarios[2].name];
  const h2c32 = ratios[scenarios[3].name];
  const targets = [
    ['request() ≥ 0.85× raw undici, HTTP/1.1 c32', h1c32[SJ], 0.85],
    ['request() ≥ 0.8× raw undici, HTTP/1.1 c1', h1c1[SJ], 0.8],
    ['request() ≥ 0.85× raw undici, HTTP/2 c32', h2c32[SJ], 0.85],
    ['request() ≥ 0.8× raw undici, HTTP/2 c1', h2c1[SJ], 0.8],
    ['request() ≥ 4× got, HTTP/1.1 c32', h1c32[SJ] / h1c32['got + tough-cookie'], 4],
    ['request() ≥ 8× Playwright, HTTP/1.1 c32', h1c32[SJ] / h1c32['Playwright request context'], 8],
  ].map(([name, value, min]) => [name, value, value >= min]);
  targets.push(['peak RSS ≤ 1.2× raw undici', rssRatio, rssRatio <= 1.2],
    [`cold start ≤ ${COLD_TARGETS.undici}× plain undici script`, coldRatio.undici, coldRatio.undici <= COLD_TARGETS.undici],
    [`cold start ≤ ${COLD_TARGETS.node}× node -e 0`, coldRatio.node, coldRatio.node <= COLD_TARGETS.node]);
  lines.push('**Targets**', '', '| target | measured | met |', '| --- | ---: | :---: |');
  for (const [name, value, ok] of targets) lines.push(`| ${name} | ${fmt(value)}× | ${ok ? 'yes' : 'no'} |`);
  const cpu = cpus();
  lines.push('', `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
    `${ROUNDS} interleaved rounds of ${DURATION_MS / 1000} s per client${hasTaskset ? ', server and client pinned to one core each' : ''}; ` +
    `load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`);
  return lines.join('\n');
}

/** Replaces the table between the markers in README.md's "Speed" section. */
function updateReadme(table) {
  const readme = readFileSync('README.md', 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) {
    process.stderr.write('README.md has no bench markers; table not written there\n');
    return;
  }
  writeFileSync('README.md', `${readme.slice(0, i + start.length)}\n${table}\n${readme.slice(j)}`);
}
