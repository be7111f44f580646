import { expect, test } from '@playwright/test';
import { CookieJar } from 'tough-cookie';
import { jarToSessionCookies, sessionCookiesToJar } from '../../src/replay/jar-convert.js';
import type { Cookie } from '../../src/session/schema/index.js';

const cookies: Cookie[] = [
  { name: 'sid', value: 's1', domain: 'www.example.com', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true, sameSite: 'Strict', setAt: 1767225600000 },
  { name: 'prefs', value: 'a=b', domain: 'example.com', hostOnly: false, path: '/', expires: 4102444800, httpOnly: false, secure: false, sameSite: 'Lax' },
  { name: 'xsrf', value: '"q"', domain: 'api.example.com', hostOnly: true, path: '/v1', expires: 4102444800.5, httpOnly: false, secure: true, sameSite: 'None', setAt: 1767225601000 },
  { name: 'embed', value: 'e', domain: 'widget.example.net', hostOnly: true, path: '/', expires: 4102444800, httpOnly: false, secure: true, partitionKey: 'https://example.com' },
];

test('session cookies go into a tough-cookie jar and come back unchanged', async () => {
  const jar = new CookieJar();
  await sessionCookiesToJar(cookies, jar);
  const back = await jarToSessionCookies(jar, cookies);
  const sortByName = (list: Cookie[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
  expect(sortByName(back)).toEqual(sortByName(cookies));
});

test('the jar sends them as a browser would: host-only, domain, path, Secure, SameSite', async () => {
  const jar = new CookieJar();
  await sessionCookiesToJar(cookies, jar);
  // Same path length: earlier set first, and prefs (no setAt) counts as oldest.
  expect(await jar.getCookieString('https://www.example.com/')).toBe('prefs=a=b; sid=s1');
  expect(await jar.getCookieString('https://sub.www.example.com/')).toBe('prefs=a=b');
  expect(await jar.getCookieString('http://api.example.com/v1/x')).toBe('prefs=a=b');
  expect(await jar.getCookieString('https://api.example.com/v1/x')).toBe('xsrf="q"; prefs=a=b');
  // tough-cookie's SameSite: a cross-site request gets no Strict/Lax cookies.
  expect(await jar.getCookieString('https://www.example.com/', { sameSiteContext: 'none' })).toBe('');
  const sid = (await jar.getCookies('https://www.example.com/')).find((c) => c.key === 'sid');
  expect(sid).toMatchObject({ key: 'sid', hostOnly: true, sameSite: 'strict', httpOnly: true, secure: true, expires: 'Infinity' });
  expect(sid?.creation).toEqual(new Date(1767225600000));
});

test('a cookie the server replaces in the jar comes back with its new value; no partition key without previous', async () => {
  const jar = new CookieJar();
  await sessionCookiesToJar(cookies, jar);
  await jar.setCookie('prefs=c=d; Domain=example.com; Path=/; SameSite=Strict', 'https://www.example.com/');
  const back = await jarToSessionCookies(jar);
  expect(back.find((c) => c.name === 'prefs')).toMatchObject({ value: 'c=d', hostOnly: false, sameSite: 'Strict', expires: null });
  expect(back.find((c) => c.name === 'embed')?.partitionKey).toBeUndefined();
});
