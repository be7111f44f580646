import { expect, test } from '@playwright/test';
import { Cookie as ToughCookie, CookieJar, MemoryCookieStore } from 'tough-cookie';
import { SessionCookieJar } from '../../src/replay/jar.js';
import { IndexedCookieStore } from '../../src/replay/cookie-store.js';
import type { Cookie } from '../../src/session/schema/index.js';
import { cookie } from './fixtures.js';

/**
 * The jar's own store and header index held to tough-cookie's MemoryCookieStore and
 * getCookieString: random Set-Cookie sequences (many paths, domains, prefixes, expiries, rotations
 * of the same line) from random URLs, then the Cookie header and the stored cookies of many URLs
 * compared. A line the jar refuses by its own rules (cookie-rules.ts) is not given to tough-cookie.
 */

const HOSTS = ['example.com', 'www.example.com', 'a.b.example.com', 'example.org', '127.0.0.1', 'localhost', 'x.co.uk', '[::1]'];
const PATHS = ['/', '/a', '/a/', '/a/b', '/a/b/c', '/ab', '/api/item/7', '/api/item', '/api', '/%C3%BC/x', '/ü', '/%E2%82', '/a%2Fb/c', '/A/b'];
const NAMES = ['a', 'b', 'sid', 'Sid', '__Host-x', '__Secure-y', ''];
const VALUES = ['1', '2', 'v x', '"q"', 'x=y', '%20', 'ü'];
const DOMAINS = ['example.com', '.example.com', 'EXAMPLE.com', 'b.example.com', 'other.com', 'co.uk', 'x.co.uk', 'example.org', '127.0.0.1', 'localhost'];
const COOKIE_PATHS = ['/', '/a', '/a/', '/a/b', '/api', '/api/item', '/ü', 'relative', ''];

/** A small seeded generator (mulberry32): a failing sequence can be run again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number) {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const url = () => `${next() < 0.5 ? 'https' : 'http'}://${pick(HOSTS)}${pick(PATHS)}${next() < 0.3 ? `?q=${Math.floor(next() * 100)}` : ''}`;
  const line = () => {
    const name = pick(NAMES);
    const parts = [name === '' && next() < 0.5 ? pick(VALUES) : `${name}=${pick(VALUES)}`];
    if (next() < 0.6) parts.push(`Path=${pick(COOKIE_PATHS)}`);
    if (next() < 0.3) parts.push(`Domain=${pick(DOMAINS)}`);
    if (next() < 0.3) parts.push('Secure');
    if (next() < 0.3) parts.push('HttpOnly');
    if (next() < 0.2) parts.push(`SameSite=${pick(['Lax', 'Strict', 'None'])}`);
    const age = next();
    if (age < 0.1) parts.push('Max-Age=0');
    else if (age < 0.25) parts.push('Max-Age=3600');
    else if (age < 0.3) parts.push('Expires=Thu, 01 Jan 1970 00:00:01 GMT');
    else if (age < 0.4) parts.push('Expires=Wed, 01 Jan 2098 00:00:00 GMT');
    return parts.join('; ');
  };
  return { next, pick, url, line };
}

/** What both jars must agree on for a stored cookie (the expiry to the second, compared apart). */
function shape(c: ToughCookie): string {
  return `${c.key}=${c.value} ${c.domain}${c.path} hostOnly=${c.hostOnly} secure=${c.secure} httpOnly=${c.httpOnly} sameSite=${c.sameSite}`;
}

function sessionShape(c: Cookie): string {
  const sameSite = c.sameSite === undefined ? 'undefined' : c.sameSite.toLowerCase();
  return `${c.name}=${c.value} ${c.domain}${c.path} hostOnly=${c.hostOnly} secure=${c.secure} httpOnly=${c.httpOnly} sameSite=${sameSite}`;
}

test('random Set-Cookie sequences over many paths: the same Cookie headers and stored cookies as tough-cookie', () => {
  let compared = 0;
  let stored = 0;
  const differences: string[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    const started = Date.now();
    const g = generator(seed);
    const ours = new SessionCookieJar();
    const reference = new CookieJar(new MemoryCookieStore(), { rejectPublicSuffixes: true, allowSecureOnLocal: true, looseMode: true });
    const sent: [string, string][] = [];
    for (let step = 0; step < 60; step++) {
      let line: string;
      let url: string;
      const again = sent.length > 0 && g.next() < 0.35 ? g.pick(sent) : undefined;
      if (again) {
        // The same line with another value (a server rotating a cookie), from the same or another page.
        line = again[0].replace(/=[^;]*/, `=${g.pick(VALUES)}${step}`);
        url = g.next() < 0.5 ? again[1] : g.url();
      } else {
        [line, url] = [g.line(), g.url()];
      }
      let refused = false;
      ours.storeSetCookies(line, url, () => (refused = true));
      if (!refused) reference.setCookieSync(line, url, { ignoreError: true, loose: true });
      sent.push([line, url]);
      for (let i = 0; i < 6; i++) {
        const at = g.url();
        const context = `seed ${seed}, step ${step} (${line} from ${url}) → ${at}`;
        // Collected, not asserted one by one: an expect() per comparison makes the test take minutes.
        const [header, want] = [ours.header(at), reference.getCookieStringSync(at)];
        if (header !== want) differences.push(`${context}: header ${header} ≠ ${want}`);
        const [got, wanted] = [ours.get(at).map(sessionShape).join(' | '), reference.getCookiesSync(at).map(shape).join(' | ')];
        if (got !== wanted) differences.push(`${context}: cookies ${got} ≠ ${wanted}`);
        compared++;
      }
    }
    let all: ToughCookie[] = [];
    // MemoryCookieStore answers its callback before returning.
    reference.store.getAllCookies((_error, cookies) => (all = (cookies ?? []).filter((c) => (c.expiryTime() ?? Infinity) > Date.now())));
    const list = ours.list();
    expect(list.map(sessionShape).sort(), `seed ${seed}`).toEqual(all.map(shape).sort());
    for (const c of all) {
      const mine = list.find((m) => m.name === c.key && m.domain === c.domain && m.path === c.path);
      const expiry = c.expiryTime();
      if (expiry === undefined || expiry === Infinity) expect(mine?.expires, `seed ${seed} ${shape(c)}`).toBeNull();
      // tough-cookie counts Max-Age from the last read of the cookie, which the reads above moved on.
      else expect(Math.abs((mine?.expires ?? 0) * 1000 - expiry), `seed ${seed} ${shape(c)}`).toBeLessThanOrEqual(Date.now() - started + 1_000);
    }
    stored += all.length;
  }
  expect(differences.slice(0, 5)).toEqual([]);
  expect(compared).toBe(40 * 60 * 6);
  // The sequences did store cookies (a generator that only made refused lines would prove nothing).
  expect(stored).toBeGreaterThan(100);
});

test('a crawl costs the same whatever the path: 10,000 new paths are answered from the cache', () => {
  const jar = new SessionCookieJar([
    cookie('sid', 's', 'app.example.com', { path: '/' }),
    cookie('admin', 'x', 'app.example.com', { path: '/admin' }),
    cookie('api', 'y', 'app.example.com', { path: '/api' }),
    cookie('sso', 'z', 'example.com', { hostOnly: false }),
  ]);
  const store = (jar as unknown as { store: IndexedCookieStore }).store;
  let lookups = 0;
  const domain = store.domain.bind(store);
  store.domain = (d: string) => {
    lookups++;
    return domain(d);
  };
  expect(jar.cookieHeader(new URL('https://app.example.com/api/item/0?q=0'))).toBe('api=y; sid=s; sso=z');
  expect(jar.cookieHeader(new URL('https://app.example.com/admin/x'))).toBe('admin=x; sid=s; sso=z');
  expect(jar.cookieHeader(new URL('https://app.example.com/home'))).toBe('sid=s; sso=z');
  const built = lookups;
  // Every header built joins its cookies' strings: none may be built again for a new path.
  const { cookieString } = ToughCookie.prototype;
  let joins = 0;
  ToughCookie.prototype.cookieString = function (this: ToughCookie) {
    joins++;
    return cookieString.call(this);
  };
  const headers = new Set<string>();
  try {
    for (let n = 1; n <= 10_000; n++) {
      headers.add(jar.cookieHeader(new URL(`https://app.example.com/api/item/${n}?q=${n}`)));
      headers.add(jar.cookieHeader(new URL(`https://app.example.com/page/${n}`)));
    }
  } finally {
    ToughCookie.prototype.cookieString = cookieString;
  }
  expect([...headers]).toEqual(['api=y; sid=s; sso=z', 'sid=s; sso=z']);
  // Not one of them looked at the store again or joined a header: both are kept by host and matching paths.
  expect(lookups).toBe(built);
  expect(joins).toBe(0);
  // A rotated value reaches every path at once, still without a store walk.
  jar.storeSetCookies('sid=t; Path=/', 'https://app.example.com/login');
  jar.storeSetCookies('sid=u; Path=/', 'https://app.example.com/login');
  expect(jar.cookieHeader(new URL('https://app.example.com/api/item/10001'))).toBe('api=y; sid=u; sso=z');
});

test("the store serves tough-cookie's own CookieJar API as its memory store does", async () => {
  const options = { rejectPublicSuffixes: true, allowSecureOnLocal: true, looseMode: true };
  const ours = new CookieJar(new IndexedCookieStore(), options);
  const reference = new CookieJar(new MemoryCookieStore(), options);
  const g = generator(99);
  const urls = Array.from({ length: 20 }, () => g.url());
  const differences: string[] = [];
  for (let step = 0; step < 200; step++) {
    const [line, url] = [g.line(), g.url()];
    // The async API too: the store answers promises as well as callbacks.
    await Promise.all([ours.setCookie(line, url, { ignoreError: true }), reference.setCookie(line, url, { ignoreError: true })]);
    for (const at of urls) {
      const [a, b] = [(await ours.getCookies(at)).map(shape).join(' | '), (await reference.getCookies(at)).map(shape).join(' | ')];
      if (a !== b) differences.push(`${line} from ${url} → ${at}: ${a} ≠ ${b}`);
    }
  }
  expect(differences.slice(0, 5)).toEqual([]);
  const all = async (jar: CookieJar) => (await jar.store.getAllCookies()).filter((c) => (c.expiryTime() ?? Infinity) > Date.now()).map(shape).sort();
  expect(await all(ours)).toEqual(await all(reference));
  expect((await all(ours)).length).toBeGreaterThan(5);
  await Promise.all([ours.store.removeCookies('example.com', '/'), reference.store.removeCookies('example.com', '/')]);
  await Promise.all([ours.store.removeCookies('localhost', null), reference.store.removeCookies('localhost', null)]);
  expect(await all(ours)).toEqual(await all(reference));
  await ours.removeAllCookies();
  expect(await ours.store.getAllCookies()).toEqual([]);
});

test('a server rotating its cookie during a crawl keeps the fast path: no Set-Cookie parse on each new page', () => {
  const jar = new SessionCookieJar([cookie('sid', '0', '127.0.0.1', { path: '/' })]);
  const line = (n: number) => `sid=${n}; Path=/; HttpOnly; SameSite=Lax`;
  jar.storeSetCookies(line(1), 'http://127.0.0.1:8080/api/item/1?q=1');
  const { parse } = ToughCookie;
  let parses = 0;
  ToughCookie.parse = ((...args: Parameters<typeof parse>) => {
    parses++;
    return parse(...args);
  }) as typeof parse;
  try {
    for (let n = 2; n <= 1000; n++) {
      const url = new URL(`http://127.0.0.1:8080/api/item/${n}?q=${n}`);
      if (n % 10 === 0) jar.storeSetCookies(line(n), url);
      if (jar.cookieHeader(url) !== `sid=${n - (n % 10) || 1}`) throw new Error(`${url.href}: ${jar.cookieHeader(url)}`);
    }
  } finally {
    ToughCookie.parse = parse;
  }
  expect(parses).toBe(0);
  expect(jar.takeChanges()?.set.map((c) => c.value)).toEqual(['1000']);
});
