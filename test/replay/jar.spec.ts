import { expect, test } from '@playwright/test';
import { CookieJar, MemoryCookieStore } from 'tough-cookie';
import type { IndexedCookieStore } from '../../src/replay/cookie-store.js';
import { SessionCookieJar } from '../../src/replay/jar.js';
import { cookie } from './fixtures.js';

const SET: [string, string][] = [
  ['a=1; Path=/', 'http://example.com/'],
  ['b=2; Path=/app', 'http://example.com/app/x'],
  ['c=3; Path=/app/deep', 'http://example.com/app/deep/x'],
  ['d=4; Domain=example.com; Path=/', 'http://www.example.com/'],
  ['e=5; Secure; Path=/', 'https://example.com/'],
  ['f=6; Path=/', 'http://sub.example.com/'],
  ['g=7; Secure; Path=/', 'http://127.0.0.1:8080/'],
  ['h=8; Path=/; Max-Age=3600', 'http://localhost:3000/'],
  ['i=9; Path=/ü', 'http://example.com/ü/'],
  ['j=10; Secure', 'http://[::1]:9/'],
  ['k=11; Domain=b.example.org; Path=/', 'http://a.b.example.org/'],
  ['l=12; Path=/', 'http://a.b.example.org/'],
  ['m=13; Domain=example.org; Path=/x', 'http://b.example.org/'],
];

const URLS = [
  'http://example.com/',
  'https://example.com/app/deep/page',
  'http://example.com/app',
  'http://example.com/application',
  'http://www.example.com/app/deep',
  'http://sub.example.com/',
  'http://other.example.com/',
  'http://127.0.0.1:9999/',
  'http://127.0.0.1:8080/x',
  'http://localhost:3000/',
  'http://example.com/%C3%BC/x',
  'http://[::1]:9/',
  'http://x.a.b.example.org/x',
  'http://a.b.example.org/',
  'http://b.example.org/x/y',
  'http://example.org/',
  'http://ab.example.org/x',
];

test('the cached Cookie header matches tough-cookie\'s own getCookieString for every URL', () => {
  const ours = new SessionCookieJar();
  const reference = new CookieJar(new MemoryCookieStore(), { rejectPublicSuffixes: true, allowSecureOnLocal: true, looseMode: true });
  for (const [header, url] of SET) {
    ours.set(header, url);
    reference.setCookieSync(header, url, { ignoreError: true, loose: true });
  }
  for (const url of URLS) {
    expect(ours.header(url), url).toBe(reference.getCookieStringSync(url));
    // Twice: the second answer comes from the cache.
    expect(ours.header(url), url).toBe(reference.getCookieStringSync(url));
  }
});

test('a change invalidates cached headers; changes are reported once with setAt', () => {
  const jar = new SessionCookieJar();
  const url = new URL('http://example.com/');
  jar.set('a=1', url.href);
  expect(jar.cookieHeader(url)).toBe('a=1');
  jar.storeSetCookies(['a=2', 'b=3'], url);
  expect(jar.cookieHeader(url)).toBe('a=2; b=3');
  jar.storeSetCookies('b=; Max-Age=0', url);
  expect(jar.cookieHeader(url)).toBe('a=2');
  const changes = jar.takeChanges();
  expect(changes?.set.map((c) => [c.name, c.value])).toEqual([['a', '2']]);
  expect(changes?.set[0]?.setAt).toBeGreaterThan(Date.now() - 5_000);
  expect(changes?.removed.map((r) => r.key)).toEqual(['b\u0000example.com\u0000/']);
  expect(jar.takeChanges()).toBeUndefined();
  jar.requeue(changes!);
  expect(jar.takeChanges()?.set).toHaveLength(1);
});

test('Cookie headers and rule values come from the host\'s own domains, not a walk over every cookie', () => {
  // 300 cookies of other sites: looking at them on every cookie change made a big jar slow.
  const others = Array.from({ length: 300 }, (_, i) => cookie(`c${i}`, 'v', `site${i}.example`));
  const jar = new SessionCookieJar([cookie('sid', '0', 'app.example.com'), cookie('pref', 'p', 'example.com', { hostOnly: false }), ...others]);
  const store = (jar as unknown as { store: IndexedCookieStore }).store;
  let walks = 0;
  const all = store.all.bind(store);
  store.all = () => {
    walks += 1;
    return all();
  };
  const url = new URL('https://app.example.com/');
  for (let i = 1; i <= 20; i++) {
    jar.storeSetCookies(`sid=${i}; Path=/`, url);
    expect(jar.cookieHeader(url)).toBe(`sid=${i}; pref=p`);
    expect(jar.value('sid', 'app.example.com')).toBe(String(i));
    expect(jar.value('sid')).toBe(String(i));
  }
  expect(walks).toBe(0);
});

test('a server rotating a cookie line after line gets what tough-cookie stores, whatever comes in between', () => {
  // The same line with a new value changes the stored cookie in place; these steps try what must
  // not take that path: another line taking the cookie's place, a removal, a new cookie.
  const steps: [string, string][] = [
    ['sid=1; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['sid=2; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['other=o; Path=/', 'https://app.example.com/'],
    ['sid=3; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['sid=s; Path=/; Secure', 'https://app.example.com/'],
    ['sid=4; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['sid=5; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['sid=; Path=/; Max-Age=0', 'https://app.example.com/'],
    ['sid=6; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['sid=7; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['tok=a; Max-Age=3600', 'http://127.0.0.1:9/x/y'],
    ['tok=b; Max-Age=3600', 'http://127.0.0.1:9/x/y'],
    ['tok=c; Max-Age=3600', 'http://127.0.0.1:9/other'],
    ['tok=d; Max-Age=3600', 'http://127.0.0.1:9/x/y'],
    ['tok=e; Domain=example.com', 'https://app.example.com/'],
    ['tok=f; Domain=example.com', 'https://app.example.com/'],
    ['  sid = 8 ; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
    ['sid=9; Path=/; HttpOnly; SameSite=Lax', 'https://app.example.com/api/me'],
  ];
  const ours = new SessionCookieJar();
  const reference = new CookieJar(new MemoryCookieStore(), { rejectPublicSuffixes: true, allowSecureOnLocal: true, looseMode: true });
  const shape = (c: { key?: string; name?: string; value: string; domain: string | null; path: string | null; secure: boolean; httpOnly: boolean; hostOnly: boolean | null }) =>
    `${c.key ?? c.name}=${c.value} ${c.domain}${c.path}${c.secure ? ' secure' : ''}${c.httpOnly ? ' httponly' : ''}${c.hostOnly ? ' hostonly' : ''}`;
  for (const [line, url] of steps) {
    ours.set(line, url);
    reference.setCookieSync(line, url, { ignoreError: true, loose: true });
    for (const at of ['https://app.example.com/api/me', 'http://127.0.0.1:9/x/y', 'http://127.0.0.1:9/other']) {
      expect(ours.header(at), `${line} → ${at}`).toBe(reference.getCookieStringSync(at));
      expect(ours.get(at).map(shape).sort(), `${line} → ${at}`).toEqual(reference.getCookiesSync(at).map(shape).sort());
    }
  }
  const tok = ours.list().find((c) => c.name === 'tok' && c.path === '/x');
  expect(tok?.expires).toBeGreaterThan(Date.now() / 1000 + 3590);
});

test('a rotated value too long for a cookie is refused and the old value kept', () => {
  const jar = new SessionCookieJar();
  const url = new URL('https://app.example.com/');
  const refused: string[] = [];
  jar.storeSetCookies('sid=1; Path=/', url);
  jar.storeSetCookies('sid=2; Path=/', url);
  jar.storeSetCookies(`sid=${'x'.repeat(5000)}; Path=/`, url, (name, why) => refused.push(`${name}: ${why}`));
  expect(refused).toEqual(['sid: name and value exceed 4096 bytes']);
  expect(jar.cookieHeader(url)).toBe('sid=2');
});
