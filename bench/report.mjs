// The README tables of `npm run bench` (bench/run.mjs): one per scenario, the targets with their
// verdicts, the machine line; and their place between the markers of README.md's "Speed" section.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { COLD_TARGETS } from './cold.mjs';
import { FETCH, GOT, PW, RAW, SJ } from './names.mjs';
import { shapeLabel } from './sessions.mjs';
import { median, ratios, spread } from './stats.mjs';

/** The markdown of one run's results (`ctx`: what run.mjs measured, and how). */
export function report(ctx) {
  const { scenarios, results, pairs, rss, cold, jarAlone, redis, rounds, durationMs, coldRuns, rssRuns, rssRequests, hasTaskset, loadAtStart } = ctx;
  const lines = [];
  const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
  const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');
  const targets = [];
  // A target whose clients were left out (BENCH_CLIENTS) is left out too.
  const target = (name, values, ok) => values.length > 0 && targets.push([name, median(values), spread(values), ok(median(values))]);
  const find = (group, proto, concurrency) => scenarios.find((s) => s.group === group && s.proto === proto && s.concurrency === concurrency);
  /**
   * request() against raw undici on a scenario, per round: from the two in one process when
   * measured (pair-passes.mjs), else from their separate processes.
   */
  const vsRaw = (s, field) => {
    const paired = pairs?.[s.name]?.vsRaw;
    if (paired) return paired.map((r) => r.sj[field === 'rps' ? 'rps' : 'cpuUs'] / r.raw[field === 'rps' ? 'rps' : 'cpuUs']);
    return ratios(results[s.name][SJ], results[s.name][RAW], field);
  };
  const where = (s) => `${s.proto === 'HTTP/1.1' ? 'HTTP/1.1' : 'HTTP/2'} c${s.concurrency}`;

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
    return { runs, where: where(s) };
  };

  const realistic = scenarios.filter((s) => s.group === 'realistic');
  if (realistic.length > 0) {
    lines.push('### Realistic session', '', 'An SPA login: 28 cookies over 25 domains (one expired, one on `/admin`), User-Agent and Accept-Language, a per-origin `Authorization: Bearer` and two more per-origin headers, a header rule echoing the CSRF cookie; the server rotates `sid` on every 10th response. sessionjar as `openSession` gives it: write-back and automatic refresh on. Ratios are per-round medians, spread in brackets (lowest–highest round).', '');
    for (const s of realistic) {
      const { runs, where } = clientTable(s);
      target(`request() ≥ 0.95× raw undici req/s, realistic, ${where}`, vsRaw(s, 'rps'), (v) => v >= 0.95);
      target(`request() CPU/req ≤ 1.1× raw undici, realistic, ${where}`, vsRaw(s, 'cpuUsPerRequest'), (v) => v <= 1.1);
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
    lines.push('### Crawl', '', 'The realistic session (write-back and automatic refresh on), but every request goes to a new path and query string, `/api/item/<n>?q=<n>`; raw undici and got walk the same URLs.', '');
    for (const s of crawl) {
      const { runs, where } = clientTable(s);
      target(`request() ≥ 0.95× raw undici req/s, crawl, ${where}`, vsRaw(s, 'rps'), (v) => v >= 0.95);
      target(`request() CPU/req ≤ 1.1× raw undici, crawl, ${where}`, vsRaw(s, 'cpuUsPerRequest'), (v) => v <= 1.1);
      if (runs[GOT]) target(`request() ≥ 5× got, crawl, ${where}`, ratios(runs[SJ], runs[GOT], 'rps'), (v) => v >= 5);
    }
  }
  if (pairs) {
    const paired = scenarios.filter((sc) => pairs[sc.name]);
    lines.push('**request() against raw undici, in one process**', '',
      'The two clients in one pinned process (bench/pair-passes.mjs) take turns in passes (500 requests at concurrency 1, 2,000 at 32); the best of 10 passes each counts, so both share the machine\'s mood, which in separate processes (the tables above) moves single rounds by ±30% on this shared machine. Ratios per round, then the median. The request() targets against raw undici are read from here.', '',
      '| session, case | × raw undici req/s | CPU × raw undici |', '| --- | ---: | ---: |');
    for (const sc of paired) {
      const rps = vsRaw(sc, 'rps');
      const cpu = vsRaw(sc, 'cpuUsPerRequest');
      lines.push(`| ${sc.group}, ${where(sc)} | ${fmt(median(rps))} (${spread(rps)}) | ${fmt(median(cpu))} (${spread(cpu)}) |`);
    }
    lines.push('');
  }
  if (pairs && crawl.length > 0) {
    lines.push('**The crawl against one fixed URL, in one process**', '',
      'Two clients of one kind in one pinned process (bench/pair-passes.mjs), one walking the crawl and one on a fixed URL, take turns in the same passes; the best of 10 each counts. Raw undici shows what a new URL costs a client without sessionjar.', '',
      '| case | sessionjar request(): crawl CPU × fixed URL | raw undici: crawl CPU × fixed URL |', '| --- | ---: | ---: |');
    for (const sc of crawl) {
      const of = (client) => pairs[sc.name][client].map((r) => r.crawl.cpuUs / r.fixed.cpuUs);
      lines.push(`| ${where(sc)} | ${fmt(median(of(SJ)))} (${spread(of(SJ))}) | ${fmt(median(of(RAW)))} (${spread(of(RAW))}) |`);
      target(`crawl CPU/req ≤ 1.05× fixed URL, ${where(sc)}`, of(SJ), (v) => v <= 1.05);
    }
    lines.push('');
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
      lines.push(`| peak RSS, ${label} session, ${rssRequests.toLocaleString('en')} requests at concurrency 32 (MiB, median of ${rssRuns}) | ${fmt(mib(SJ), 1)} | ${fmt(mib(RAW), 1)} | ${fmt(median(r))} (${spread(r)}) |`);
      target(`peak RSS ≤ 1.15× raw undici, ${label}`, r, (v) => v <= 1.15);
    }
    if (cold.cli.length > 0) {
      const r = cold.cli.map((ms, i) => ms / cold.undici[i]);
      lines.push(`| cold start, one \`sessionjar request\` in a new process (ms, median of ${coldRuns}) | ${fmt(median(cold.cli), 0)} | ${fmt(median(cold.undici), 0)} | ${fmt(median(r))} (${spread(r)}) |`);
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
    `${rounds} interleaved rounds of ${durationMs / 1000} s per client${hasTaskset ? ', server and client pinned to one core each' : ''}; ` +
    `load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`);
  return lines.join('\n');
}

/** Replaces the table between the markers in README.md's "Speed" section. */
export function updateReadme(table) {
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
