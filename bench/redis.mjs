// The `redis` part of `npm run bench` (BENCH_ONLY=redis): sessions shared in Redis.
// 1. request() on the realistic session (write-back on, the server rotating `sid` every 10th
//    answer) with the session in Redis against the same session in a file, HTTP/1.1, concurrency
//    1 and 32, both in one process taking turns (bench/store-passes.mjs): write-back coalescing
//    must keep Redis off the hot path (target ≥ 0.95×).
// 2. A fleet: 16 worker processes on one session in Redis, an access token that expires, a token
//    endpoint on loopback (rotating refresh tokens, a reused one refused): the time from the
//    expiry to the last worker answered with the new token, and the same with a refresh margin
//    (one worker refreshes ahead, the others keep going): how long before the expiry all 16 are on it.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { URLSearchParams, pathToFileURL } from 'node:url';
import { startRedis } from './redis-server.mjs';

const FILE = 'file';
const REDIS = 'redis';
const WORKERS = 16;
/** Seconds from the session's start to its token's expiry: time for 16 started processes to open it. */
const LEAD_S = 6;
/** At most half the token's lifetime counts (effectiveMargin), so 3 s of 6. */
const AHEAD_MARGIN_S = 3;

const jwt = (claims) => {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'bench', ...claims })}.c2ln`;
};

/**
 * A token endpoint and an API on loopback for one fleet round: the API takes the current access
 * tokens until their `exp`; `firstOnOld[w]` / `firstOnNew[w]` is when worker `w` was first answered
 * with the first token / the token of the first refresh; answers carry `x-stop` once every worker has been.
 */
async function fleetServer(exp0) {
  const tokens = new Map([[jwt({ iat: exp0 - LEAD_S, exp: exp0 }), { index: 0, exp: exp0 }]]);
  const state = { refresh: 'rt-0', grants: 0, reused: 0, refused: 0, firstOnOld: new Map(), firstOnNew: new Map(), stopAt: Infinity };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/oauth/token') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (new URLSearchParams(body).get('refresh_token') !== state.refresh) {
          state.reused += 1;
          return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
        }
        state.grants += 1;
        state.refresh = `rt-${state.grants}`;
        const iat = Math.floor(Date.now() / 1000);
        const access = jwt({ iat, exp: iat + 3600 });
        tokens.set(access, { index: state.grants, exp: iat + 3600 });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: access, refresh_token: state.refresh }));
      });
      return;
    }
    const token = tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]);
    if (!token || Date.now() >= token.exp * 1000) {
      state.refused += 1;
      return void res.writeHead(401).end();
    }
    const worker = url.searchParams.get('w');
    if (token.index === 0 && !state.firstOnOld.has(worker)) state.firstOnOld.set(worker, Date.now());
    if (token.index === 1 && !state.firstOnNew.has(worker)) {
      state.firstOnNew.set(worker, Date.now());
      if (state.firstOnNew.size === WORKERS) state.stopAt = Date.now() + 300;
    }
    if (Date.now() >= state.stopAt) res.setHeader('x-stop', '1');
    res.end('ok');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const [access] = tokens.keys();
  return { origin, access, state, close: () => new Promise((resolve) => server.close(resolve)) };
}

function fleetSession(name, origin, access, exp) {
  const at = new Date().toISOString();
  const ref = { storage: 'localStorage', origin, key: 'auth' };
  const from = { ...ref, jsonPath: 'access_token' };
  return {
    version: 1, generator: 'sessionjar@0.1.0', name, createdAt: at, updatedAt: at, cookies: [],
    origins: [{ origin, localStorage: { auth: JSON.stringify({ access_token: access, refresh_token: 'rt-0' }) }, sessionStorage: {} }],
    headers: { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from, origins: [origin] }] },
    tokens: { jwts: [{ from, exp }], oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: from } },
  };
}

/** One fleet round: 16 workers until all are on the new token; the times against the old token's expiry. */
async function fleetRound({ store, storeUrl, dist, name, marginSeconds }) {
  const workers = [];
  let loaded = 0;
  let allLoaded;
  const everyoneLoaded = new Promise((resolve) => (allLoaded = resolve));
  const outputs = Promise.all(
    Array.from({ length: WORKERS }, (_, w) => {
      const child = spawn(process.execPath, ['bench/fleet-worker.mjs', JSON.stringify({ dist, storeUrl, name, marginSeconds, pauseMs: 100 })], { stdio: ['pipe', 'pipe', 'inherit'] });
      workers.push(child);
      return new Promise((resolve, reject) => {
        let last = '';
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line === 'loaded' && ++loaded === WORKERS) allLoaded();
          else if (line !== 'ready') last = line;
        });
        child.on('close', (code) => (code === 0 && last ? resolve(JSON.parse(last)) : reject(new Error(`fleet worker ${w} failed (${code})`))));
      });
    }),
  );
  await Promise.race([everyoneLoaded, outputs.then(() => Promise.reject(new Error('fleet workers exited before the round began')))]);
  // The token expires LEAD_S from now: time for all 16 to open the session and get going.
  const exp0 = Math.ceil(Date.now() / 1000) + LEAD_S;
  const server = await fleetServer(exp0);
  try {
    await store.save(name, fleetSession(name, server.origin, server.access, exp0));
    workers.forEach((child, w) => child.stdin.end(`${JSON.stringify({ url: `${server.origin}/api?w=${w}` })}\n`));
    const results = await outputs;
    const { state } = server;
    const started = Math.max(...state.firstOnOld.values());
    if (state.firstOnOld.size < WORKERS || started >= exp0 * 1000) throw new Error(`not all ${WORKERS} fleet workers were running before the expiry (machine too busy?)`);
    if (state.firstOnNew.size < WORKERS) throw new Error(`only ${state.firstOnNew.size} of ${WORKERS} fleet workers reached the new token`);
    const last = Math.max(...state.firstOnNew.values());
    return { allOnNewMs: last - exp0 * 1000, grants: state.grants, reused: state.reused, refused: state.refused, failed: results.reduce((n, o) => n + o.failed, 0) };
  } finally {
    await server.close();
  }
}

/**
 * @param {{ rounds: number, pinned: (core: number, args: string[]) => [string, string[]], sessionFile: (shape: string, origin: string) => string,
 *   headers: Record<string, string>, origin: string, caFile: string, dist: string, rotate: <T>(xs: T[], k: number) => T[],
 *   median: (xs: number[]) => number, spread: (xs: number[]) => string }} o
 * @returns {Promise<{ lines: string[], targets: [string, number[], (v: number) => boolean][] }>}
 */
export async function benchRedis(o) {
  const redis = await startRedis();
  const lib = await import(pathToFileURL(join(o.dist, 'index.js')).href);
  const store = await lib.openStore(redis.url, { keys: null });
  const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
  try {
    const runs = { 1: { [FILE]: [], [REDIS]: [] }, 32: { [FILE]: [], [REDIS]: [] } };
    const fleet = { expiry: [], ahead: [] };
    for (let round = 0; round < o.rounds; round += 1) {
      for (const concurrency of o.rotate([1, 32], round)) {
        const options = {
          storeUrl: redis.url, dist: o.dist, url: `${o.origin}/api/me`, http2: false, concurrency, sessionFile: o.sessionFile('realistic', o.origin),
          headers: o.headers, caFile: o.caFile, count: concurrency === 1 ? 1000 : 4000,
        };
        const [cmd, args] = o.pinned(1, ['bench/store-passes.mjs', JSON.stringify(options)]);
        const result = JSON.parse(execFileSync(cmd, args, { encoding: 'utf8' }));
        runs[concurrency][FILE].push(result.file);
        runs[concurrency][REDIS].push(result.redis);
      }
      fleet.expiry.push(await fleetRound({ store, storeUrl: redis.url, dist: o.dist, name: `fleet-${round}`, marginSeconds: 0 }));
      fleet.ahead.push(await fleetRound({ store, storeUrl: redis.url, dist: o.dist, name: `ahead-${round}`, marginSeconds: AHEAD_MARGIN_S }));
      process.stderr.write(`redis round ${round + 1}/${o.rounds} done\n`);
    }
    const lines = ['### Redis store and fleet', '', 'The realistic session with write-back on (the server rotates `sid` every 10th answer), opened from a Redis store (redis-server on a unix socket) against the same session in a file; HTTP/1.1. Both clients run in one pinned process (bench/store-passes.mjs), taking turns in passes of 1,000 requests at concurrency 1 and 4,000 at 32; the best of 10 passes each counts. Ratios are per-round medians, spread in brackets.', '',
      '| concurrency | file store req/s | Redis store req/s | × file store req/s | CPU × file store |', '| --- | ---: | ---: | ---: | ---: |'];
    const targets = [];
    for (const c of [1, 32]) {
      const r = runs[c];
      const rps = r[REDIS].map((x, i) => x.rps / r[FILE][i].rps);
      const cpu = r[REDIS].map((x, i) => x.cpuUs / r[FILE][i].cpuUs);
      lines.push(`| ${c} | ${fmt(o.median(r[FILE].map((x) => x.rps)), 0)} | ${fmt(o.median(r[REDIS].map((x) => x.rps)), 0)} | ${fmt(o.median(rps))} (${o.spread(rps)}) | ${fmt(o.median(cpu))} (${o.spread(cpu)}) |`);
      targets.push([`request() with the Redis store ≥ 0.95× the file store req/s, realistic, HTTP/1.1 c${c}`, rps, (v) => v >= 0.95]);
    }
    const ms = (xs) => `${fmt(o.median(xs), 0)} (${fmt(Math.min(...xs), 0)}–${fmt(Math.max(...xs), 0)})`;
    const sum = (rs, k) => rs.reduce((n, r) => n + r[k], 0);
    lines.push('', `A fleet of ${WORKERS} worker processes (each two requests at a time, 100 ms apart) on one session in Redis; started and connected, they open the session, whose access token expires ${LEAD_S} s later; the token endpoint on loopback answers at once, rotates refresh tokens and refuses a reused one. Median over rounds (lowest–highest).`, '',
      '| margin | last of 16 workers answered with the new token, ms after the expiry | refresh grants per round | requests failed | refresh tokens reused | answers 401 |', '| --- | ---: | ---: | ---: | ---: | ---: |',
      `| 0 (refresh at the expiry) | ${ms(fleet.expiry.map((r) => r.allOnNewMs))} | ${fleet.expiry.map((r) => r.grants).join(', ')} | ${sum(fleet.expiry, 'failed')} | ${sum(fleet.expiry, 'reused')} | ${sum(fleet.expiry, 'refused')} |`,
      `| ${AHEAD_MARGIN_S} s (refresh ahead) | ${ms(fleet.ahead.map((r) => r.allOnNewMs))} | ${fleet.ahead.map((r) => r.grants).join(', ')} | ${sum(fleet.ahead, 'failed')} | ${sum(fleet.ahead, 'reused')} | ${sum(fleet.ahead, 'refused')} |`, '');
    return { lines, targets, fleet };
  } finally {
    await store.close();
    await redis.stop();
  }
}
