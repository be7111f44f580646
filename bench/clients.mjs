// The clients under test. Each factory gets the run's options and returns `one()`, which makes one
// GET, reads the whole body and resolves to the status, and `close()`. A client is loaded only in
// the process that runs it, so no client pays for another's modules or memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @typedef {{ url: string, http2: boolean, concurrency: number, sessionFile: string, caFile: string, dist: string, readOnly?: boolean }} RunOptions
 * @typedef {{ one: () => Promise<number>, close: () => Promise<void> }} Client
 */

/** @param {RunOptions} o */
function sessionDoc(o) {
  return JSON.parse(readFileSync(o.sessionFile, 'utf8'));
}

/** The Cookie header a browser would send to the bench server: what raw undici sends every time. */
export function fixedCookieHeader(doc) {
  return doc.cookies.filter((c) => c.path === '/').map((c) => `${c.name}=${c.value}`).join('; ');
}

/** undici's Agent as a careful user would set it up; HTTP/2 multiplexes only with pipelining > 1. */
async function undiciAgent(o) {
  const { Agent } = await import('undici');
  const ca = readFileSync(o.caFile);
  return o.http2
    ? new Agent({ allowH2: true, connections: 1, pipelining: 32, connect: { ca } })
    : new Agent({ connect: { ca } });
}

async function toughJar(doc, url) {
  const { CookieJar } = await import('tough-cookie');
  const jar = new CookieJar();
  const origin = new URL(url).origin;
  for (const c of doc.cookies) {
    jar.setCookieSync(`${c.name}=${c.value}; Path=${c.path}${c.httpOnly ? '; HttpOnly' : ''}`, origin);
  }
  return jar;
}

/** @type {Record<string, (o: RunOptions) => Promise<Client>>} */
export const CLIENTS = {
  async 'sessionjar request()'(o) {
    const { openSession } = await import(pathToFileURL(join(o.dist, 'index.js')).href);
    const session = await openSession(o.sessionFile, { http2: o.http2, ca: readFileSync(o.caFile), readOnly: o.readOnly === true });
    return {
      async one() {
        const res = await session.request(o.url);
        await res.body.text();
        return res.status;
      },
      close: () => session.close(),
    };
  },
  async 'sessionjar fetch()'(o) {
    const { openSession } = await import(pathToFileURL(join(o.dist, 'index.js')).href);
    const session = await openSession(o.sessionFile, { http2: o.http2, ca: readFileSync(o.caFile), readOnly: o.readOnly === true });
    return {
      async one() {
        const res = await session.fetch(o.url);
        await res.text();
        return res.status;
      },
      close: () => session.close(),
    };
  },
  async 'raw undici (fixed Cookie)'(o) {
    const { request } = await import('undici');
    const dispatcher = await undiciAgent(o);
    const headers = { cookie: fixedCookieHeader(sessionDoc(o)) };
    return {
      async one() {
        const res = await request(o.url, { dispatcher, headers });
        await res.body.text();
        return res.statusCode;
      },
      close: () => dispatcher.close(),
    };
  },
  async 'undici + tough-cookie (naive)'(o) {
    const { request } = await import('undici');
    const dispatcher = await undiciAgent(o);
    const jar = await toughJar(sessionDoc(o), o.url);
    return {
      async one() {
        const cookie = await jar.getCookieString(o.url);
        const res = await request(o.url, { dispatcher, headers: { cookie } });
        const setCookie = res.headers['set-cookie'];
        for (const line of setCookie === undefined ? [] : [setCookie].flat()) await jar.setCookie(line, o.url);
        await res.body.text();
        return res.statusCode;
      },
      close: () => dispatcher.close(),
    };
  },
  async 'got + tough-cookie'(o) {
    const { default: got } = await import('got');
    const client = got.extend({
      cookieJar: await toughJar(sessionDoc(o), o.url),
      http2: o.http2,
      https: { certificateAuthority: readFileSync(o.caFile) },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
    return {
      async one() {
        const res = await client(o.url);
        return res.statusCode;
      },
      close: async () => {},
    };
  },
  async 'Playwright request context'(o) {
    const { request } = await import('playwright-core');
    const host = new URL(o.url).hostname;
    const cookies = sessionDoc(o).cookies.map((c) => ({
      name: c.name,
      value: c.value,
      domain: host,
      path: c.path,
      expires: -1,
      httpOnly: c.httpOnly,
      secure: c.secure,
      sameSite: 'Lax',
    }));
    const context = await request.newContext({ storageState: { cookies, origins: [] }, ignoreHTTPSErrors: true });
    return {
      async one() {
        const res = await context.get(o.url);
        await res.text();
        await res.dispose();
        return res.status();
      },
      close: () => context.dispose(),
    };
  },
};

/** Clients that speak HTTP/2 (Playwright's request context does not). */
export const HTTP2_CLIENTS = ['sessionjar request()', 'sessionjar fetch()', 'raw undici (fixed Cookie)', 'undici + tough-cookie (naive)', 'got + tough-cookie'];
