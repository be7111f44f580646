// `npm run bench:gateway`: the gateway of `sessionjar serve` against the same
// load client straight to the server. The server runs pinned to core 0, the gateway pinned to core 1;
// the load client (raw undici, a pool of keep-alive connections) runs in two layouts: on any core,
// and beside the server on core 0 (see `layouts`). Rounds alternate
// direct and through-gateway runs, so drift on a shared machine hits both; ratios are per round,
// then the median. Also: the gateway's peak RSS over a 100 MB download and upload, and one curl
// through a running gateway against `sessionjar request` from a fresh process, as wall time.
// Knobs: BENCH_ROUNDS (3), BENCH_SECONDS per run (1.5), BENCH_ONLY=memory (the 100 MB runs alone).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 1.5) * 1000;
const SIZE = 100 * 1024 * 1024;
const ONLY_MEMORY = process.env.BENCH_ONLY === 'memory';
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && cpus().length >= 2;
const pinned = (core, args) => (hasTaskset ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args]);
const loadAtStart = loadavg()[0];

const work = mkdtempSync(join(tmpdir(), 'sessionjar-bench-gw-'));
const keyFile = join(work, 'key.pem');
const certFile = join(work, 'cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile,
  '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });

/** Starts `args` pinned to `core`; resolves with the process and its first stdout line, parsed. */
function start(core, args, stderr = 'inherit') {
  const [cmd, argv] = pinned(core, args);
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', stderr] });
  return new Promise((resolve) => createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, info: JSON.parse(line) })));
}

const server = await start(0, ['bench/server.mjs', keyFile, certFile]);
const origin = server.info.http;
// The bulk server for the 100 MB runs: /down sends SIZE bytes, anything else counts what it got.
const bulk = await start(0, ['-e', `
  const http = require('node:http');
  const chunk = Buffer.alloc(1 << 20, 120);
  const s = http.createServer((req, res) => {
    if (req.url === '/down') {
      res.writeHead(200, { 'content-length': ${SIZE} });
      let left = ${SIZE} / chunk.length;
      const more = () => { while (left > 0) { left--; if (!res.write(chunk)) return res.once('drain', more); } res.end(); };
      return more();
    }
    let n = 0; req.on('data', (d) => (n += d.length)); req.on('end', () => res.end(String(n)));
  });
  s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ http: 'http://127.0.0.1:' + s.address().port })));
  process.stdin.resume(); process.stdin.on('end', () => process.exit(0));
`]);

const at = new Date().toISOString();
writeFileSync(join(work, 'bench.json'), JSON.stringify({
  version: 1, generator: 'sessionjar@0.1.0', name: 'bench', createdAt: at, updatedAt: at,
  cookies: [{ name: 'sid', value: 'ok-0', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, sameSite: 'Lax' }],
  origins: [], headers: { default: {}, origins: {}, rules: [] },
}), { mode: 0o600 });

/** A gateway process (`sessionjar serve --json`) pinned to core 1. */
async function gateway(target) {
  // Its log lines go nowhere: a terminal would be the bottleneck, not the gateway.
  const { child, info } = await start(1, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), 'dist/cli.js', '--dir', work, 'serve', 'bench', '--target', target, '--json', '--no-refresh'], 'ignore');
  return { child, url: info.urls[0].url, token: info.token, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }) };
}

/** CPU time (user + system) a process has used so far, ms: less noisy on a shared machine than wall time. */
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
};

/** Requests per second, mean latency and the CPU µs per request of `pid` at `concurrency`, through a keep-alive pool. */
async function load(base, headers, concurrency, pid) {
  const pool = new Pool(base, { connections: concurrency });
  let done = 0;
  let failed = 0;
  const run = async (end) => {
    while (performance.now() < end) {
      const res = await pool.request({ path: '/', method: 'GET', headers });
      await res.body.dump();
      if (res.statusCode === 200) done++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => run(performance.now() + 300)));
  done = 0;
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => run(t0 + DURATION_MS)));
  const seconds = (performance.now() - t0) / 1000;
  const cpuUs = ((cpuMs(pid) - cpu0) * 1000) / done;
  await pool.close();
  if (failed > 0) throw new Error(`${failed} answers were not 200 from ${base}`);
  return { rps: done / seconds, latencyMs: (concurrency * seconds * 1000) / done, cpuUs };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/**
 * Where the load client (this process) runs. On two cores a floating load client takes CPU from
 * the gateway's core, so the gateway path runs three processes on the cores the direct path gives
 * two; with the load client beside the server on core 0, both runs have the same load client and
 * server on the same core, and the gateway has a core of its own, as it would on a larger machine.
 */
const layouts = hasTaskset
  ? [{ name: 'load client on any core', cores: '0,1' }, { name: 'load client with the server on core 0', cores: '0' }]
  : [{ name: 'load client unpinned', cores: undefined }];
const place = (cores) => cores && execFileSync('taskset', ['-a', '-p', '-c', cores, String(process.pid)], { stdio: 'ignore' });
const rows = [];
if (!ONLY_MEMORY) await speed();

/** Throughput and latency at concurrency 1 and 32 in each layout, then one curl against one `sessionjar request`. */
async function speed() {
  const gw = await gateway(origin);
  for (const concurrency of [1, 32]) {
    for (const layout of layouts) {
      const ratios = [];
      const added = [];
      const cpu = [];
      for (let round = 0; round < ROUNDS; round++) {
        place(layout.cores);
        const direct = await load(origin, { cookie: 'sid=ok-0' }, concurrency, server.child.pid);
        const through = await load(gw.url, { 'x-sessionjar-token': gw.token }, concurrency, gw.child.pid);
        ratios.push(through.rps / direct.rps);
        added.push(through.latencyMs - direct.latencyMs);
        cpu.push({ gateway: through.cpuUs, server: direct.cpuUs });
        rows.push(`c${concurrency}, ${layout.name}, round ${round + 1}: direct ${direct.rps.toFixed(0)} req/s, gateway ${through.rps.toFixed(0)} req/s`);
      }
      rows.push(`c${concurrency}, ${layout.name}: gateway/direct ${median(ratios).toFixed(2)}× (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}), latency added ${median(added).toFixed(3)} ms, CPU per request: gateway ${median(cpu.map((c) => c.gateway)).toFixed(0)} µs, server ${median(cpu.map((c) => c.server)).toFixed(0)} µs`);
    }
  }
  place(layouts[0].cores);

  // Wall time: one curl through the running gateway against `sessionjar request` from a fresh process.
  const wall = (cmd, args) => {
    const t0 = performance.now();
    execFileSync(cmd, args, { stdio: 'ignore', env: { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '' } });
    return performance.now() - t0;
  };
  const curlMs = median(Array.from({ length: 5 }, () => wall('curl', ['-sf', '-o', '/dev/null', '-H', `X-Sessionjar-Token: ${gw.token}`, `${gw.url}/`])));
  const requestMs = median(Array.from({ length: 5 }, () => wall(process.execPath, ['dist/cli.js', '--dir', work, 'request', 'bench', `${origin}/`, '--read-only', '--no-refresh', '-o', '/dev/null'])));
  rows.push(`one request, wall time (median of 5): curl through the gateway ${curlMs.toFixed(0)} ms, sessionjar request ${requestMs.toFixed(0)} ms`);
  await gw.stop();
}

// Peak RSS of a fresh gateway over 100 MB down, then over 100 MB up: VmHWM (the high-water mark),
// reset before each phase where Linux lets us (writing 5 to clear_refs), so each peak is its own.
const big = await gateway(bulk.info.http);
const status = () => readFileSync(`/proc/${big.child.pid}/status`, 'utf8');
const mb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1]) / 1024;
const resetPeak = () => {
  try {
    writeFileSync(`/proc/${big.child.pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
};
execFileSync('curl', ['-sf', '-o', '/dev/null', '-H', `X-Sessionjar-Token: ${big.token}`, `${big.url}/warm`]);
const rest = mb('VmRSS');
const perPhase = resetPeak();
execFileSync('curl', ['-sf', '-o', '/dev/null', '-H', `X-Sessionjar-Token: ${big.token}`, `${big.url}/down`]);
const down = mb('VmHWM');
resetPeak();
execFileSync('sh', ['-c', `head -c ${SIZE} /dev/zero | curl -sf -o /dev/null -T - -H "X-Sessionjar-Token: ${big.token}" "${big.url}/up"`]);
const up = mb('VmHWM');
rows.push(`gateway RSS: ${rest.toFixed(0)} MB at rest after one small request; peak ${down.toFixed(0)} MB over 100 MB down, ${up.toFixed(0)} MB over 100 MB up${perPhase ? '' : ' (peak not reset between phases)'}`);
await big.stop();

server.child.stdin.end();
bulk.child.stdin.end();
rmSync(work, { recursive: true, force: true });
console.log(`gateway bench: ${ONLY_MEMORY ? 'memory only' : `${ROUNDS} rounds of ${DURATION_MS / 1000} s`}${hasTaskset ? ', server on core 0, gateway on core 1' : ''}, load average ${loadAtStart.toFixed(1)} at start`);
for (const row of rows) console.log(`  ${row}`);
