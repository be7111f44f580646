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
import { COLD_TARGETS, coldStart } from './cold.mjs';
import { benchRedis } from './redis.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 1.5) * 1000;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'realistic,crawl,simple,sweep,jar,rss,cold,redis').split(','));
const RSS_RUNS = 5;
const RSS_REQUESTS = 10_000;
// Other work on the machine compresses every ratio; the table says how busy it was.
const loadAtStart = loadavg()[0];
const SJ = 'sessionjar request()';
const SJ_FIXED = 'sessionjar request(), fixed URL';
const RAW_FIXED = 'raw undici, fixed URL';
const FETCH = 'sessionjar fetch()';
const RAW = 'raw undici (fixed headers)';
const RAW_FETCH = 'raw undici fetch() (fixed headers)';
const NAIVE = 'undici + tough-cookie (naive)';
const GOT = 'got + tough-cookie';
const PW = 'Playwright request context';

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

const median = (xs) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
/** Per-round ratios of `a` over `b` (the rounds interleave, so each pair ran side by side). */
const ratios = (a, b, field) => (a && b ? a.map((r, i) => r[field] / b[i]?.[field]) : []);
const spread = (xs) => {
  const s = xs.filter(Number.isFinite);
  return s.length === 0 ? 'n/a' : `${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)}`;
};

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
  // The realistic session walking a new path and query string on every request; every client walks
  // the same URLs but the two "fixed URL" clients: request()'s, whose CPU the crawl's is compared with,
  // and raw undici's, which shows what a new URL costs without sessionjar.
  ...(ONLY.has('crawl')
    ? [H1, H2].flatMap((p) =>
        [1, 32].map((concurrency) => ({
          group: 'crawl', ...p, concurrency, crawl: true, shape: 'realistic',
          clients: [SJ, RAW, SJ_FIXED, RAW_FIXED, ...(p.http2 || concurrency === 1 ? [] : [GOT])],
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
    redis = await benchRedis({ rounds: ROUNDS, durationMs: DURATION_MS, measure, sessionFile, headers: session('realistic', origins.http).headers, origin: origins.http, caFile, dist, rotate, median, spread });
  }

  const table = report();
  process.stdout.write(`${table}\n`);
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(join('bench', 'results', 'latest.json'), JSON.stringify({ results, rss, cold, fleet: redis?.fleet }, null, 2), { flag: 'w' });
  if (process.env.BENCH_README !== '0') updateReadme(table);
} finally {
  server.stdin.end();
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
}

function report() {
  const lines = [];
  const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
  const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');
  const targets = [];
  // A target whose clients were left out (BENCH_CLIENTS) is left out too.
  const target = (name, values, ok) => values.length > 0 && targets.push([name, median(values), spread(values), ok(median(values))]);
  const find = (group, proto, concurrency) => scenarios.find((s) => s.group === group && s.proto === proto && s.concurrency === concurrency);

  /** One scenario's table: every client's rate and CPU, and both against raw undici's. */
  const clientTable = (s) => {
    const runs = results[s.name];
    lines.push(`**${s.proto}, concurrency ${s.concurrency}**`, '', '| client | req/s | × raw undici req/s | CPU µs/req | CPU × raw undici | server busy |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const client of s.clients) {
      const rps = ratios(runs[client], runs[RAW], 'rps');
      const cpu = ratios(runs[client], runs[RAW], 'cpuUsPerRequest');
      lines.push(`| ${client} | ${fmt(median(runs[client].map((r) => r.rps)), 0)} | ${fmt(median(rps))} (${spread(rps)}) | ${fmt(median(runs[client].map((r) => r.cpuUsPerRequest)), 0)} | ${fmt(median(cpu))} (${spread(cpu)}) | ${pct(median(runs[client].map((r) => r.serverBusy)))} |`);
    }
    lines.push('');
    return { runs, where: `${s.proto === 'HTTP/1.1' ? 'HTTP/1.1' : 'HTTP/2'} c${s.concurrency}` };
  };

  const realistic = scenarios.filter((s) => s.group === 'realistic');
  if (realistic.length > 0) {
    lines.push('### Realistic session', '', 'An SPA login: 28 cookies over 25 domains (one expired, one on `/admin`), User-Agent and Accept-Language, a per-origin `Authorization: Bearer` and two more per-origin headers, a header rule echoing the CSRF cookie; the server rotates `sid` on every 10th response. sessionjar as `openSession` gives it: write-back and automatic refresh on. Ratios are per-round medians, spread in brackets (lowest–highest round).', '');
    for (const s of realistic) {
      const { runs, where } = clientTable(s);
      target(`request() ≥ 0.95× raw undici req/s, realistic, ${where}`, ratios(runs[SJ], runs[RAW], 'rps'), (v) => v >= 0.95);
      target(`request() CPU/req ≤ 1.1× raw undici, realistic, ${where}`, ratios(runs[SJ], runs[RAW], 'cpuUsPerRequest'), (v) => v <= 1.1);
      target(`fetch() ≥ 0.8× raw undici req/s, realistic, ${where}`, ratios(runs[FETCH], runs[RAW], 'rps'), (v) => v >= 0.8);
    }
    const c32 = find('realistic', 'HTTP/1.1', 32);
    if (c32) {
      const runs = results[c32.name];
      target('request() ≥ 5× got, realistic, HTTP/1.1 c32', ratios(runs[SJ], runs[GOT], 'rps'), (v) => v >= 5);
      target("request() ≥ 10× Playwright's request context, realistic, HTTP/1.1 c32", ratios(runs[SJ], runs[PW], 'rps'), (v) => v >= 10);
    }
  }

  const crawl = scenarios.filter((s) => s.group === 'crawl');
  if (crawl.length > 0) {
    lines.push('### Crawl', '', 'The realistic session (write-back and automatic refresh on), but every request goes to a new path and query string, `/api/item/<n>?q=<n>`; raw undici and got walk the same URLs. "fixed URL" is the same client on one URL in the same rounds: request()\'s is what the crawl\'s CPU is compared with; raw undici\'s shows what a new URL costs a client without sessionjar.', '');
    for (const s of crawl) {
      const { runs, where } = clientTable(s);
      target(`request() ≥ 0.95× raw undici req/s, crawl, ${where}`, ratios(runs[SJ], runs[RAW], 'rps'), (v) => v >= 0.95);
      target(`request() CPU/req ≤ 1.1× raw undici, crawl, ${where}`, ratios(runs[SJ], runs[RAW], 'cpuUsPerRequest'), (v) => v <= 1.1);
      target(`crawl CPU/req ≤ 1.05× fixed URL, ${where}`, ratios(runs[SJ], runs[SJ_FIXED], 'cpuUsPerRequest'), (v) => v <= 1.05);
      // What a new URL costs any client (HTTP/2 encodes each new :path anew): the part not sessionjar's.
      const own = ratios(runs[RAW], runs[RAW_FIXED], 'cpuUsPerRequest');
      lines.push(`Raw undici's own crawl here costs ${fmt(median(own))}× (${spread(own)}) the CPU of its fixed URL.`, '');
      if (runs[GOT]) target(`request() ≥ 5× got, crawl, ${where}`, ratios(runs[SJ], runs[GOT], 'rps'), (v) => v >= 5);
    }
  }

  if (jarAlone) {
    const fixedNs = jarAlone.map((r) => r.fixedNs);
    const crawlNs = jarAlone.map((r) => r.crawlNs);
    const r = jarAlone.map((x) => x.crawlNs / x.fixedNs);
    lines.push('### Cookie jar alone', '', 'The Cookie header from the jar of the realistic session (bench/jar.mjs), `sid` rotating every 10th call: 10,000 URLs of one path against 10,000 distinct crawl paths, the fastest of 25 alternating passes each, median over rounds.', '',
      '| URLs | ns per call | × one path |', '| --- | ---: | ---: |',
      `| one path | ${fmt(median(fixedNs), 0)} | 1.00 |`, `| 10,000 distinct paths | ${fmt(median(crawlNs), 0)} | ${fmt(median(r))} (${spread(r)}) |`, '');
    target('jar Cookie header, 10,000 distinct paths ≤ 1.05× one path', r, (v) => v <= 1.05);
  }

  const simple = scenarios.filter((s) => s.group === 'simple');
  if (simple.length > 0) {
    lines.push('### Simple session', '', '4 cookies on the server\'s host, a User-Agent, nothing per origin.', '', '| scenario | request() req/s | × raw undici req/s | CPU × raw undici |', '| --- | ---: | ---: | ---: |');
    for (const s of simple) {
      const runs = results[s.name];
      const rps = ratios(runs[SJ], runs[RAW], 'rps');
      const cpu = ratios(runs[SJ], runs[RAW], 'cpuUsPerRequest');
      lines.push(`| ${s.proto}, concurrency ${s.concurrency} | ${fmt(median(runs[SJ].map((r) => r.rps)), 0)} | ${fmt(median(rps))} (${spread(rps)}) | ${fmt(median(cpu))} (${spread(cpu)}) |`);
    }
    lines.push('');
  }

  const sweep = scenarios.filter((s) => s.sweep);
  if (sweep.length > 0) {
    const first = results[sweep[0].name][SJ];
    lines.push('### Jar size', '', 'The realistic headers; the same 5 cookies go to the server, the rest sit on other domains. HTTP/1.1, concurrency 32.', '',
      '| jar | request() req/s | × raw undici req/s | CPU µs/req | CPU × raw undici | CPU × 5-cookie jar |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const s of sweep) {
      const runs = results[s.name];
      const rps = ratios(runs[SJ], runs[RAW], 'rps');
      const cpu = ratios(runs[SJ], runs[RAW], 'cpuUsPerRequest');
      const growth = ratios(runs[SJ], first, 'cpuUsPerRequest');
      lines.push(`| ${shapeLabel(s.sweep)} | ${fmt(median(runs[SJ].map((r) => r.rps)), 0)} | ${fmt(median(rps))} (${spread(rps)}) | ${fmt(median(runs[SJ].map((r) => r.cpuUsPerRequest)), 0)} | ${fmt(median(cpu))} (${spread(cpu)}) | ${fmt(median(growth))} (${spread(growth)}) |`);
    }
    lines.push('');
    const last = results[sweep[sweep.length - 1].name][SJ];
    target('CPU/req, 500 cookies over 200 domains ≤ 1.1× 5 cookies on 1', ratios(last, first, 'cpuUsPerRequest'), (v) => v <= 1.1);
  }

  const memory = Object.keys(rss).length > 0;
  if (memory || cold.cli.length > 0) {
    lines.push('### Memory and cold start', '', '| measurement | sessionjar | raw undici | ratio |', '| --- | ---: | ---: | ---: |');
    for (const [label, runs] of Object.entries(rss)) {
      const mib = (client) => median(runs[client].map((r) => r.maxRssKiB)) / 1024;
      const r = ratios(runs[SJ], runs[RAW], 'maxRssKiB');
      lines.push(`| peak RSS, ${label} session, ${RSS_REQUESTS.toLocaleString('en')} requests at concurrency 32 (MiB, median of ${RSS_RUNS}) | ${fmt(mib(SJ), 1)} | ${fmt(mib(RAW), 1)} | ${fmt(median(r))} (${spread(r)}) |`);
      target(`peak RSS ≤ 1.15× raw undici, ${label}`, r, (v) => v <= 1.15);
    }
    if (cold.cli.length > 0) {
      const r = cold.cli.map((ms, i) => ms / cold.undici[i]);
      lines.push(`| cold start, one \`sessionjar request\` in a new process (ms, median of ${COLD_RUNS}) | ${fmt(median(cold.cli), 0)} | ${fmt(median(cold.undici), 0)} | ${fmt(median(r))} (${spread(r)}) |`);
      const n = cold.cli.map((ms, i) => ms / cold.node[i]);
      lines.push(`| the same against \`node -e 0\` (ms) | ${fmt(median(cold.cli), 0)} | ${fmt(median(cold.node), 0)} (node -e 0) | ${fmt(median(n))} (${spread(n)}) |`);
      target(`cold start ≤ ${COLD_TARGETS.undici}× the plain undici script`, r, (v) => v <= COLD_TARGETS.undici);
      target(`cold start ≤ ${COLD_TARGETS.node}× node -e 0`, n, (v) => v <= COLD_TARGETS.node);
    }
    lines.push('');
  }

  if (redis) {
    lines.push(...redis.lines);
    for (const [name, values, ok] of redis.targets) target(name, values, ok);
  }

  lines.push('### Targets', '', '| target | measured (spread) | met |', '| --- | ---: | :---: |');
  for (const [name, value, range, ok] of targets) lines.push(`| ${name} | ${fmt(value)}× (${range}) | ${ok ? 'yes' : '**no**'} |`);
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
