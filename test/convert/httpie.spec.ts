import { expect, test } from '@playwright/test';
import { fromHttpie, toHttpie } from '../../src/session/convert/index.js';
import { fixture, goldenSession, importOptions } from './fixtures.js';

const file = 'test/fixtures/httpie-session.json';

test('an HTTPie session round-trips unchanged; import reports HttpOnly and SameSite as unknown', () => {
  const text = fixture('httpie-session.json');
  const imported = fromHttpie(text, importOptions(file));
  expect(imported.report.lost).toEqual([
    { what: 'HttpOnly', count: 5, detail: 'HTTPie does not record HttpOnly; imported as false' },
    { what: 'SameSite', count: 5, detail: 'HTTPie does not record SameSite; left unset' },
  ]);
  expect(imported.result.headers.default).toEqual({
    'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) sessionjar-fixture',
    'Accept-Language': 'en-US,en;q=0.9',
  });
  const exported = toHttpie(imported.result);
  expect(exported.report.lost).toEqual([
    { what: 'host-only', count: 2, detail: 'host-only cookies that the target will also send to subdomains' },
  ]);
  expect(exported.result).toEqual(JSON.parse(text));
});

test('domains: a leading dot is a domain cookie, a bare host a host cookie', () => {
  const { result } = fromHttpie(fixture('httpie-session.json'), importOptions(file));
  const byName = Object.fromEntries(result.cookies.map((c) => [c.name, c]));
  expect(byName.sid).toMatchObject({ domain: 'www.example.com', hostOnly: true, expires: null, secure: true });
  expect(byName.prefs).toMatchObject({ domain: 'example.com', hostOnly: false, expires: 4102444800 });
  expect(byName.blob?.value).toHaveLength(3000);
});

test('the old layout (dicts, no cookie domains) imports when bound to an origin', () => {
  const text = fixture('httpie-session-legacy.json');
  const unbound = fromHttpie(text, importOptions('legacy.json'));
  expect(unbound.result.cookies).toEqual([]);
  expect(unbound.result.headers).toEqual({ default: { 'User-Agent': 'legacy-agent' }, origins: {}, rules: [] });
  expect(unbound.report.lost).toEqual([
    { what: 'cookies without a domain', count: 2, detail: 'old HTTPie layout; import with --origin <url> to bind them to a host' },
    { what: 'headers', count: 1, detail: 'secret headers (Authorization, tokens) need --origin <url> to bind them to their host' },
  ]);

  const bound = fromHttpie(text, { ...importOptions('legacy.json'), origin: 'https://api.example.com/anything' });
  expect(bound.result.cookies).toEqual([
    { name: 'sid', value: 'old-1', domain: 'api.example.com', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false },
    { name: 'pref', value: 'x=y', domain: 'api.example.com', hostOnly: true, path: '/app', expires: 4102444800, httpOnly: false, secure: true },
  ]);
  expect(bound.result.headers.origins).toEqual({ 'https://api.example.com': { Authorization: 'Bearer legacy-token-123' } });
});

test('export reports what HTTPie cannot hold; --url adds that origin\'s headers', () => {
  const session = goldenSession();
  const plain = toHttpie(session);
  expect(plain.report.lost).toEqual([
    { what: 'HttpOnly', count: 2, detail: 'cookies whose HttpOnly flag is dropped' },
    { what: 'host-only', count: 3, detail: 'host-only cookies that the target will also send to subdomains' },
    { what: 'SameSite', count: 3, detail: 'cookies whose SameSite attribute is dropped' },
    { what: 'partitionKey', count: 1, detail: 'partitioned (CHIPS) cookies whose partition key is dropped' },
    { what: 'setAt', count: 2, detail: 'cookies whose set time (used to merge concurrent writers) is dropped' },
    { what: 'localStorage', count: 1, detail: 'keys' },
    { what: 'sessionStorage', count: 1, detail: 'keys' },
    { what: 'IndexedDB', count: 1, detail: 'databases' },
    { what: 'per-origin headers', count: 1 },
    { what: 'header rules', count: 2 },
    { what: 'login block', count: 1, detail: 'login URL, steps, probe and logged-out signals' },
  ]);
  expect(plain.result.headers.map((h) => h.name)).toEqual(['User-Agent', 'Accept-Language']);
  const api = toHttpie(session, { url: 'https://api.example.com/v1/me' });
  expect(api.result.headers).toContainEqual({ name: 'Authorization', value: 'Bearer static-api-token-123' });
  expect(api.report.lost.find((l) => l.what === 'per-origin headers')).toBeUndefined();
});

test('a wrongly typed HTTPie session names the file and the field', () => {
  expect(() => fromHttpie('{"cookies":[{"name":"a","value":"b","secure":"yes"}]}', importOptions('h.json'))).toThrow(
    /^h\.json: not a valid HTTPie session:[\s\S]*cookies/,
  );
});
