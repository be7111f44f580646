// The clients under test. Each factory gets the run's options and returns `one()`, which makes one
// GET, reads the whole body and resolves to the status, and `close()`. A client is loaded only in
// the process that runs it, so no client pays for another's modules or memory.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `headers` are exactly the headers the session sends to `url` (see sessions.mjs): raw undici sends
 * them as they are; the clients with a cookie jar of their own send them without `cookie`.
 * `crawl`: every request goes to a new path and query string (`/api/item/<n>?q=<n>` on the origin of
 * `url`), as a crawler or an API walk does; otherwise every request goes to `url`.
 * @typedef {{ url: string, crawl?: boolean, http2: boolean, concurrency: number, sessionFile: string, headers: Record<string, string>, caFile: string, dist: string, readOnly?: boolean, storeUrl?: string }} RunOptions
 * @typedef {{ one: () => Promise<number>, close: () => Promise<void> }} Client
 */

/**
 * The URL of each request in turn: `url` every time, or a new one each time for a crawl.
 * @param {RunOptions} o
 * @returns {() => string}
 */
export function urls(o) {
  if (!o.crawl) return () => o.url;
  const origin = new URL(o.url).origin;
  let n = 0;
  return () => {
    n += 1;
    return `${origin}/api/item/${n}?q=${n}`;
  };
}

/** @param {RunOptions} o */
function sessionDoc(o) {
  return JSON.parse(readFileSync(o.sessionFile, 'utf8'));
}

/** The fixed headers without the Cookie header, for clients that keep cookies in a jar. */
function withoutCookie(headers) {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'cookie'));
}

const live = (c) => c.expires === null || c.expires * 1000 > Date.now();

/** undici's Agent as a careful user would set it up; HTTP/2 multiplexes only with pipelining > 1. */
async function undiciAgent(o) {
  const { Agent } = await import('undici');
  const ca = readFileSync(o.caFile);
  return o.http2
    ? new Agent({ allowH2: true, connections: 1, pipelining: 32, connect: { ca } })
    : new Agent({ connect: { ca } });
}

/** Every live cookie of the session, on its own domain and path, in a tough-cookie jar. */
async function toughJar(doc) {
  const { CookieJar, Cookie } = await import('tough-cookie');
  const jar = new CookieJar(undefined, { allowSecureOnLocal: true, looseMode: true });
  for (const c of doc.cookies.filter(live)) {
    const expires = c.expires === null ? 'Infinity' : new Date(c.expires * 1000);
    await jar.store.putCookie(new Cookie({ key: c.name, value: c.value, domain: c.domain, path: c.path, hostOnly: c.hostOnly, secure: c.secure, httpOnly: c.httpOnly, expires }));
  }
  return jar;
}

/**
 * sessionjar as the library's openSession gives it: write-back on, automatic refresh on. With
 * `storeUrl` (a Redis store), the session file is saved there under a name of this process first
 * and opened from there, so write-back goes to Redis.
 */
async function openBench(o) {
  const lib = await import(pathToFileURL(join(o.dist, 'index.js')).href);
  const options = { http2: o.http2, ca: readFileSync(o.caFile), readOnly: o.readOnly === true };
  if (!o.storeUrl) return lib.openSession(o.sessionFile, options);
  const store = await lib.openStore(o.storeUrl, { keys: null });
  const name = `bench-${process.pid}`;
  await store.save(name, await new lib.FileStore({ dir: dirname(o.sessionFile), keys: null }).load('bench'));
  const session = await lib.openSession(name, { ...options, store });
  const close = session.close.bind(session);
  session.close = async () => {
    await close();
    await store.close();
  };
  return session;
}

/** @type {Record<string, (o: RunOptions) => Promise<Client>>} */
export const CLIENTS = {
  async 'sessionjar request()'(o) {
    const session = await openBench(o);
    const next = urls(o);
    return {
      async one() {
        const res = await session.request(next());
        await res.body.text();
        return res.status;
      },
      close: () => session.close(),
    };
  },
  async 'sessionjar fetch()'(o) {
    const session = await openBench(o);
    const next = urls(o);
    return {
      async one() {
        const res = await session.fetch(next());
        await res.text();
        return res.status;
      },
      close: () => session.close(),
    };
  },
  async 'raw undici (fixed headers)'(o) {
    const { request } = await import('undici');
    const dispatcher = await undiciAgent(o);
    const headers = o.headers;
    const next = urls(o);
    return {
      async one() {
        const res = await request(next(), { dispatcher, headers });
        await res.body.text();
        return res.statusCode;
      },
      close: () => dispatcher.close(),
    };
  },
  async 'raw undici fetch() (fixed headers)'(o) {
    const { fetch } = await import('undici');
    const dispatcher = await undiciAgent(o);
    const headers = o.headers;
    const next = urls(o);
    return {
      async one() {
        const res = await fetch(next(), { dispatcher, headers });
        await res.text();
        return res.status;
      },
      close: () => dispatcher.close(),
    };
  },
  async 'undici + tough-cookie (naive)'(o) {
    const { request } = await import('undici');
    const dispatcher = await undiciAgent(o);
    const jar = await toughJar(sessionDoc(o));
    const fixed = withoutCookie(o.headers);
    const next = urls(o);
    return {
      async one() {
        const url = next();
        const cookie = await jar.getCookieString(url);
        const res = await request(url, { dispatcher, headers: { ...fixed, cookie } });
        const setCookie = res.headers['set-cookie'];
        for (const line of setCookie === undefined ? [] : [setCookie].flat()) await jar.setCookie(line, url);
        await res.body.text();
        return res.statusCode;
      },
      close: () => dispatcher.close(),
    };
  },
  async 'got + tough-cookie'(o) {
    const { default: got } = await import('got');
    const client = got.extend({
      cookieJar: await toughJar(sessionDoc(o)),
      headers: withoutCookie(o.headers),
      http2: o.http2,
      https: { certificateAuthority: readFileSync(o.caFile) },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
    const next = urls(o);
    return {
      async one() {
        const res = await client(next());
        return res.statusCode;
      },
      close: async () => {},
    };
  },
  async 'Playwright request context'(o) {
    const { request } = await import('playwright-core');
    const cookies = sessionDoc(o).cookies.filter(live).map((c) => ({
      name: c.name,
      value: c.value,
      domain: c.hostOnly ? c.domain : `.${c.domain}`,
      path: c.path,
      expires: c.expires ?? -1,
      httpOnly: c.httpOnly,
      secure: c.secure,
      sameSite: c.sameSite ?? 'Lax',
    }));
    const context = await request.newContext({ storageState: { cookies, origins: [] }, extraHTTPHeaders: withoutCookie(o.headers), ignoreHTTPSErrors: true });
    const next = urls(o);
    return {
      async one() {
        const res = await context.get(next());
        await res.text();
        await res.dispose();
        return res.status();
      },
      close: () => context.dispose(),
    };
  },
};
