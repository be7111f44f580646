// `npm run bench`: throughput, CPU, memory and cold start of sessionjar against its peers, on
// loopback, on the sessions of sessions.mjs (a realistic SPA login first, the old 4-cookie one, a
// jar-size sweep). The server runs in its own process pinned to core 0, each measurement in a fresh
// process pinned to core 1; every round runs every client of every scenario, in a rotated order,
// so drift on a shared machine hits them all alike. Ratios are taken within a round, then the
// median over rounds; the spread is the lowest and highest round.
// Prints a README-ready markdown table and writes it into README.md's "Speed" section.
// Knobs: BENCH_ROUNDS (5), BENCH_SECONDS per measurement (1.5), BENCH_COLD_RUNS (15),
// BENCH_ONLY=realistic,crawl,simple,sweep,jar,rss,cold,redis (all; redis: bench/redis.mjs, needs
// redis-server), BENCH_CLIENTS=request,raw (clients whose name contains one of the words; all),
// BENCH_README=0.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { buildSession, shapeLabel } from './sessions.mjs';
import { coldStart } from './cold.mjs';
import { benchRedis } from './redis.mjs';
import { FETCH, GOT, NAIVE, PW, RAW, RAW_FETCH, SJ } from './names.mjs';
import { report, updateReadme } from './report.mjs';
import { median, rotate, spread } from './stats.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 1.5) * 1000;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'realistic,crawl,simple,sweep,jar,rss,cold,redis').split(','));
const RSS_RUNS = 5;
const RSS_REQUESTS = 10_000;
// Other work on the machine compresses every ratio; the table says how busy it was.
const loadAtStart = loadavg()[0];

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

const SWEEP = [{ cookies: 5, domains: 1 }, { cookies: 50, domains: 20 }, { cookies: 500, domains: 200 }];
/** Built once per shape and origin: a measurement gets a copy of the file (write-back changes it). */
const sessions = new Map();
function session(shape, origin) {
  const key = `${shapeLabel(shape)} ${origin}`;
  if (!sessions.has(key)) sessions.set(key, buildSession(shape, origin));
  return sessions.get(key);
}
let copies = 0;
function sessionFile(shape, origin) {
  const dir = join(work, `s${(copies += 1)}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'bench.json');
  writeFileSync(file, `${JSON.stringify(session(shape, origin).doc, null, 2)}\n`, { mode: 0o600 });
  return file;
}

const H1 = { proto: 'HTTP/1.1', origin: origins.http, http2: false };
const H2 = { proto: 'HTTP/2 over TLS', origin: origins.https, http2: true };
const all1 = [SJ, FETCH, RAW, RAW_FETCH, NAIVE];
const scenarios = [
  ...(ONLY.has('realistic')
    ? [
        { group: 'realistic', ...H1, concurrency: 1, clients: all1 },
        { group: 'realistic', ...H1, concurrency: 32, clients: [...all1, GOT, PW] },
        { group: 'realistic', ...H2, concurrency: 1, clients: all1 },
        { group: 'realistic', ...H2, concurrency: 32, clients: [...all1, GOT] },
      ]
    : []),
  // The realistic session walking a new path and query string on every request, as every client
  // does here; its cost against the fixed URL is measured in one process (measurePairs).
  ...(ONLY.has('crawl')
    ? [H1, H2].flatMap((p) =>
        [1, 32].map((concurrency) => ({
          group: 'crawl', ...p, concurrency, crawl: true, shape: 'realistic',
          clients: [SJ, RAW, ...(p.http2 || concurrency === 1 ? [] : [GOT])],
        })),
      )
    : []),
  ...(ONLY.has('simple')
    ? [H1, H2].flatMap((p) => [1, 32].map((concurrency) => ({ group: 'simple', ...p, concurrency, clients: [SJ, RAW] })))
    : []),
  ...(ONLY.has('sweep') ? SWEEP.map((s) => ({ group: shapeLabel(s), sweep: s, ...H1, concurrency: 32, clients: [SJ, RAW] })) : []),
]
  .map((s) => ({ ...s, shape: s.shape ?? s.sweep ?? s.group, name: `${s.group}, ${s.proto}, concurrency ${s.concurrency}` }))
  .map((s) => (process.env.BENCH_CLIENTS ? { ...s, clients: s.clients.filter((c) => c === RAW || process.env.BENCH_CLIENTS.split(',').some((w) => c.includes(w))) } : s));

/** Makes sure sessionjar sends exactly the headers raw undici is given, before measuring anything. */
async function checkHeaders() {
  const { openSession } = await import(pathToFileURL(join(dist, 'index.js')).href);
  for (const s of scenarios) {
    let sent;
    const client = await openSession(sessionFile(s.shape, s.origin), {
      http2: s.http2, ca: readFileSync(caFile), readOnly: true, autoRefresh: false,
      onEvent: (e) => { if (e.type === 'request') sent ??= e.headers; },
    });
    const res = await client.request(s.crawl ? `${s.origin}/api/item/1?q=1` : `${s.origin}/api/me`);
    await res.body.text();
    await client.close();
    const want = session(s.shape, s.origin).headers;
    const same = (a) => JSON.stringify(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : 1)));
    if (res.status !== 200 || same(sent) !== same(want)) {
      throw new Error(`${s.name}: sessionjar sent ${same(sent)} (status ${res.status}); raw undici is set to send ${same(want)}`);
    }
  }
}

/** results[scenario][client] = per-round measurements */
const results = Object.fromEntries(scenarios.map((s) => [s.name, Object.fromEntries(s.clients.map((c) => [c, []]))]));
const rss = {};
let cold = { cli: [], undici: [], node: [] };
let jarAlone;
let redis;
let pairs;

/**
 * Pairs of clients in one pinned process per round (bench/pair-passes.mjs: alternating passes, the
 * best of each): on each realistic and crawl scenario, request() against raw undici; on each crawl
 * scenario, the crawl against the fixed URL, for request() and for raw undici.
 * pairs[scenario][pair] = per-round { <name>: { rps, cpuUs } }.
 */
async function measurePairs() {
  const paired = scenarios.filter((s) => s.group === 'realistic' || s.group === 'crawl');
  const kinds = (s) => ({
    vsRaw: { sj: { client: SJ, crawl: s.crawl === true }, raw: { client: RAW, crawl: s.crawl === true } },
    ...(s.group === 'crawl'
      ? { [SJ]: { crawl: { client: SJ, crawl: true }, fixed: { client: SJ, crawl: false } }, [RAW]: { crawl: { client: RAW, crawl: true }, fixed: { client: RAW, crawl: false } } }
      : {}),
  });
  const out = Object.fromEntries(paired.map((s) => [s.name, Object.fromEntries(Object.keys(kinds(s)).map((k) => [k, []]))]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of rotate(paired, round)) {
      for (const [kind, pair] of rotate(Object.entries(kinds(s)), round)) {
        const options = {
          pair, dist, url: `${s.origin}/api/me`, http2: s.http2, concurrency: s.concurrency, sessionFile: sessionFile(s.shape, s.origin),
          headers: session(s.shape, s.origin).headers, caFile, count: s.concurrency === 1 ? 500 : 2000,
        };
        const [cmd, args] = pinned(1, ['bench/pair-passes.mjs', JSON.stringify(options)]);
        out[s.name][kind].push(JSON.parse(execFileSync(cmd, args, { encoding: 'utf8' })));
      }
    }
  }
  return out;
}

/**
 * The jar on its own (bench/jar.mjs, pinned): the Cookie header for 10,000 distinct crawl paths
 * against 10,000 requests to one path, on the realistic session, per round.
 */
async function measureJar() {
  const { build } = await import('esbuild');
  const module = join(dist, 'bench-jar.mjs');
  await build({ entryPoints: ['src/replay/jar.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: module, logLevel: 'warning' });
  const runs = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const [cmd, args] = pinned(1, ['bench/jar.mjs', module, sessionFile('realistic', origins.http), origins.http]);
    runs.push(JSON.parse(execFileSync(cmd, args, { encoding: 'utf8' })));
  }
  return runs;
}

try {
  await checkHeaders();
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of rotate(scenarios, round)) {
      for (const client of rotate(s.clients, round)) {
        const file = sessionFile(s.shape, s.origin);
        const r = await measure({
          client, dist, url: `${s.origin}/api/me`, crawl: s.crawl === true, http2: s.http2, concurrency: s.concurrency, sessionFile: file,
          headers: session(s.shape, s.origin).headers, caFile, warmupMs: 400, durationMs: DURATION_MS,
        });
        results[s.name][client].push(r);
      }
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }

  if (ONLY.has('crawl') || ONLY.has('realistic')) pairs = await measurePairs();
  if (ONLY.has('jar')) jarAlone = await measureJar();

  if (ONLY.has('rss')) {
    for (const shape of ['realistic', SWEEP[2]]) {
      const label = shapeLabel(shape);
      rss[label] = { [SJ]: [], [RAW]: [] };
      for (let i = 0; i < RSS_RUNS; i += 1) {
        for (const client of rotate([SJ, RAW], i)) {
          const r = await measure({
            client, dist, url: `${origins.http}/api/me`, http2: false, concurrency: 32, sessionFile: sessionFile(shape, origins.http),
            headers: session(shape, origins.http).headers, caFile, warmupMs: 0, count: RSS_REQUESTS,
          });
          rss[label][client].push(r);
        }
      }
    }
  }

  if (ONLY.has('cold')) {
    // The CLI's cold start: one `sessionjar request` of the simple session against a plain script.
    const store = join(work, 'store');
    mkdirSync(store, { recursive: true });
    writeFileSync(join(store, 'bench.json'), readFileSync(sessionFile('simple', origins.http)), { mode: 0o600 });
    cold = coldStart({ runs: COLD_RUNS, cli: join(dist, 'cli.js'), storeDir: store, name: 'bench', url: `${origins.http}/api/me`, cookie: session('simple', origins.http).headers.cookie });
  }

  if (ONLY.has('redis')) {
    redis = await benchRedis({ rounds: ROUNDS, pinned, sessionFile, headers: session('realistic', origins.http).headers, origin: origins.http, caFile, dist, rotate, median, spread });
  }

  const table = report({ scenarios, results, pairs, rss, cold, jarAlone, redis, rounds: ROUNDS, durationMs: DURATION_MS, coldRuns: COLD_RUNS, rssRuns: RSS_RUNS, rssRequests: RSS_REQUESTS, hasTaskset, loadAtStart });
  process.stdout.write(`${table}\n`);
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(join('bench', 'results', 'latest.json'), JSON.stringify({ results, rss, cold, fleet: redis?.fleet }, null, 2), { flag: 'w' });
  if (process.env.BENCH_README !== '0') updateReadme(table);
} finally {
  server.stdin.end();
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
}
