// The Cookie jar on its own: node bench/jar.mjs <jar module> <session file> <origin>. Times
// `cookieHeader` for 10,000 URLs of one path and for 10,000 distinct crawl paths
// (`/api/item/<n>?q=<n>`), the server's `sid` rotating every 10th call as bench/server.mjs does;
// the URL objects are made before timing, so only the jar is measured. The two alternate, and the
// fastest pass of each counts (on a busy machine the slower ones measure the machine). Prints one
// JSON line with the nanoseconds per call of each.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [module, file, origin] = process.argv.slice(2);
const { SessionCookieJar } = await import(pathToFileURL(module).href);
const jar = new SessionCookieJar(JSON.parse(readFileSync(file, 'utf8')).cookies);
const N = 10_000;
const REPEATS = 25;
const fixed = Array.from({ length: N }, () => new URL(`${origin}/api/item/1?q=1`));
const crawl = Array.from({ length: N }, (_, n) => new URL(`${origin}/api/item/${n}?q=${n}`));
let served = 0;

/** Nanoseconds per call over `urls`. */
function time(urls) {
  const t0 = process.hrtime.bigint();
  for (const url of urls) {
    if (jar.cookieHeader(url) === '') throw new Error(`no cookies for ${url}`);
    served += 1;
    if (served % 10 === 0) jar.storeSetCookies(`sid=ok-${served}; Path=/; HttpOnly; SameSite=Lax`, url);
  }
  return Number(process.hrtime.bigint() - t0) / urls.length;
}

time(fixed);
time(crawl);
const runs = { fixed: [], crawl: [] };
for (let i = 0; i < REPEATS; i += 1) {
  runs.fixed.push(time(fixed));
  runs.crawl.push(time(crawl));
}
process.stdout.write(`${JSON.stringify({ fixedNs: Math.min(...runs.fixed), crawlNs: Math.min(...runs.crawl) })}\n`);
