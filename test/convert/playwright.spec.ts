import { expect, test } from '@playwright/test';
import { fromPlaywright, toPlaywright, type StorageState } from '../../src/session/convert/index.js';
import { fixture, goldenSession, importOptions, NOW } from './fixtures.js';

const file = 'test/fixtures/playwright-storage-state.json';

test('a Playwright storageState round-trips through a session unchanged, with nothing lost', () => {
  const text = fixture('playwright-storage-state.json');
  const imported = fromPlaywright(text, importOptions(file));
  expect(imported.report.lost).toEqual([]);
  const exported = toPlaywright(imported.result);
  expect(exported.report.lost).toEqual([]);
  expect(exported.result).toEqual(JSON.parse(text) as StorageState);
});

test('import maps leading dots to hostOnly, -1 to a session cookie, and keeps partitionKey and IndexedDB', () => {
  const { result } = fromPlaywright(fixture('playwright-storage-state.json'), importOptions(file));
  const byName = Object.fromEntries(result.cookies.map((c) => [c.name, c]));
  expect(byName.sid).toMatchObject({ domain: 'www.example.com', hostOnly: true, expires: null, httpOnly: true, sameSite: 'Strict' });
  expect(byName.prefs).toMatchObject({ domain: 'example.com', hostOnly: false, expires: 4102444800.5, value: 'theme=dark&lang=en' });
  expect(byName['__Host-embed']?.partitionKey).toBe('https://example.com');
  expect(byName.blob?.value).toHaveLength(3000);
  expect(result.origins[0]?.localStorage.theme).toBe('dark');
  expect(result.origins[0]?.sessionStorage).toEqual({});
  expect(result.origins[0]?.indexedDB?.[0]?.stores[0]?.records).toEqual([{ value: { id: 'refresh', token: 'r-123' } }]);
  expect(result).toMatchObject({ version: 1, name: 'imported', createdAt: NOW.toISOString() });
});

test('export reports what storageState cannot hold, and writes unset SameSite as "Lax"', () => {
  const session = goldenSession();
  const { result, report } = toPlaywright(session);
  expect(report.lost).toEqual([
    { what: 'SameSite', count: 1, detail: 'cookies without SameSite written as "Lax" (what browsers assume)' },
    { what: 'setAt', count: 2, detail: 'cookies whose set time (used to merge concurrent writers) is dropped' },
    { what: 'sessionStorage', count: 1, detail: 'keys' },
    { what: 'default headers', count: 2, detail: 'User-Agent, Accept-Language...' },
    { what: 'per-origin headers', count: 1 },
    { what: 'header rules', count: 2 },
    { what: 'login block', count: 1, detail: 'login URL, steps, probe and logged-out signals' },
  ]);
  expect(result.cookies.find((c) => c.name === 'prefs')).toEqual({
    name: 'prefs', value: 'theme=dark&lang=en', domain: '.example.com', path: '/', expires: 4102444800, httpOnly: false, secure: false, sameSite: 'Lax',
  });
  expect(result.cookies.find((c) => c.name === 'sid')?.expires).toBe(-1);

  // And back: everything storageState holds survives.
  const back = fromPlaywright(JSON.stringify(result), importOptions('x.json')).result;
  expect(back.cookies).toEqual(session.cookies.map(({ setAt: _s, ...c }) => ({ ...c, sameSite: c.sameSite ?? 'Lax' })));
  expect(back.origins).toEqual(session.origins.map((o) => ({ ...o, sessionStorage: {} })));
});

test('fields v1 cannot hold are reported, not silently dropped', () => {
  const state = {
    cookies: [{ name: 'a', value: '1', domain: 'x.test', path: '/', expires: -1, httpOnly: false, secure: false, sameSite: 'Lax', _crHasCrossSiteAncestor: false }],
    origins: [{ origin: 'https://x.test', localStorage: [], opfs: [{ path: 'f', type: 'file', base64: '' }] }],
  };
  const { report } = fromPlaywright(JSON.stringify(state), importOptions('state.json'));
  expect(report.lost).toEqual([
    { what: 'cookie field "_crHasCrossSiteAncestor"', count: 1, detail: 'not part of session format v1' },
    { what: 'origin field "opfs"', count: 1, detail: 'not part of session format v1' },
  ]);
});

test('a malformed storageState names the file and the field', () => {
  expect(() => fromPlaywright('{"cookies":[{"name":"a","value":1,"domain":"x"}]}', importOptions('state.json'))).toThrow(
    /state\.json: not a valid Playwright storageState:\n✖ .*\n {2}→ at cookies\[0\]\.value/,
  );
  expect(() => fromPlaywright('{"cookies": [', importOptions('state.json'))).toThrow(/^state\.json: not valid JSON/);
  expect(() => fromPlaywright('{"origins":[{"origin":"https://x.test/path","localStorage":[]}]}', importOptions('state.json'))).toThrow(
    /state\.json: converts to an invalid session:[\s\S]*origins\[0\]\.origin/,
  );
});

function jwt(payload: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

test('issue 10: a stored JWT becomes an Authorization rule per origin; the access token wins, a refresh token never, "a.b.c" is no JWT', () => {
  const [id, access, refresh, bare] = [jwt({ n: 'id' }), jwt({ n: 'access' }), jwt({ n: 'refresh' }), jwt({ n: 'bare' })];
  const state = {
    cookies: [],
    origins: [
      { origin: 'https://app.example', localStorage: [{ name: 'oidc', value: JSON.stringify({ id_token: id, tokens: { accessToken: access, token_type: 'JWT' } }) }] },
      { origin: 'https://only-refresh.example', localStorage: [{ name: 'refresh_token', value: refresh }, { name: 'ver', value: 'a.b.c' }] },
      { origin: 'https://bare.example', localStorage: [{ name: 'jwt', value: bare }] },
    ],
  };
  const { result, report } = fromPlaywright(JSON.stringify(state), importOptions('state.json'));
  expect(result.headers.rules).toEqual([
    { header: 'Authorization', from: { storage: 'localStorage', origin: 'https://app.example', key: 'oidc', jsonPath: 'tokens.accessToken' }, template: 'JWT {value}', origins: ['https://app.example'] },
    { header: 'Authorization', from: { storage: 'localStorage', origin: 'https://bare.example', key: 'jwt' }, template: 'Bearer {value}', origins: ['https://bare.example'] },
  ]);
  expect(report.derived).toEqual([
    'Authorization: JWT {value} from the JWT in localStorage "oidc" field tokens.accessToken of https://app.example, sent to https://app.example only',
    'Authorization: Bearer {value} from the JWT in localStorage "jwt" of https://bare.example, sent to https://bare.example only',
  ]);
  // Exporting it back loses no rule: importing the written state derives the same ones.
  expect(toPlaywright(result).report.lost).toEqual([]);
});
