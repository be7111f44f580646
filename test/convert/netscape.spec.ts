import { expect, test } from '@playwright/test';
import { fromNetscape, toNetscape } from '../../src/session/convert/index.js';
import { fixture, goldenSession, importOptions } from './fixtures.js';

const file = 'test/fixtures/cookies.txt';
const cookieLines = (text: string) => text.split('\n').filter((l) => l.startsWith('#HttpOnly_') || (l !== '' && !l.startsWith('#')));

test('a curl cookies.txt round-trips line for line; import reports that SameSite is unknown', () => {
  const text = fixture('cookies.txt');
  const imported = fromNetscape(text, importOptions(file));
  expect(imported.report.lost).toEqual([
    { what: 'SameSite', count: 6, detail: 'cookies.txt has no SameSite field; left unset (browsers treat unset as Lax)' },
  ]);
  const exported = toNetscape(imported.result);
  expect(exported.report.lost).toEqual([]);
  expect(exported.result.split('\n')[0]).toBe('# Netscape HTTP Cookie File');
  expect(cookieLines(exported.result)).toEqual(cookieLines(text));
});

test('#HttpOnly_ marks HttpOnly, TRUE means subdomains too, expiry 0 is a session cookie', () => {
  const { result } = fromNetscape(fixture('cookies.txt'), importOptions(file));
  const byName = Object.fromEntries(result.cookies.map((c) => [c.name, c]));
  expect(byName.sid).toEqual({ name: 'sid', value: 's%3Aabc123.XyZ', domain: 'www.example.com', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true });
  expect(byName.prefs).toMatchObject({ domain: 'example.com', hostOnly: false, expires: 4102444800, httpOnly: false, value: 'theme=dark&lang=en' });
  expect(byName.csrf?.value).toBe('"quoted-token=="');
  expect(byName.flag?.value).toBe('');
  expect(byName.blob).toMatchObject({ domain: 'shop.example.org', hostOnly: false, httpOnly: true, expires: null });
  expect(byName.track).toMatchObject({ path: '/deep/path', value: "a%20b!#$%&'()*+-./:<>?@[]^_`{|}~" });
  expect(result.cookies).toHaveLength(6);
});

test('export reports everything cookies.txt cannot hold, and what survives comes back', () => {
  const session = goldenSession();
  const { result, report } = toNetscape(session);
  expect(report.lost).toEqual([
    { what: 'SameSite', count: 3, detail: 'cookies whose SameSite attribute is dropped' },
    { what: 'partitionKey', count: 1, detail: 'partitioned (CHIPS) cookies whose partition key is dropped' },
    { what: 'setAt', count: 2, detail: 'cookies whose set time (used to merge concurrent writers) is dropped' },
    { what: 'localStorage', count: 1, detail: 'keys' },
    { what: 'sessionStorage', count: 1, detail: 'keys' },
    { what: 'IndexedDB', count: 1, detail: 'databases' },
    { what: 'default headers', count: 2, detail: 'User-Agent, Accept-Language...' },
    { what: 'per-origin headers', count: 1 },
    { what: 'header rules', count: 2 },
    { what: 'login block', count: 1, detail: 'login URL, steps, probe and logged-out signals' },
  ]);
  expect(result).toContain('#HttpOnly_www.example.com\tFALSE\t/\tTRUE\t0\tsid\ts%3Aabc123.XyZ\n');
  expect(result).toContain('\n.example.com\tTRUE\t/\tFALSE\t4102444800\tprefs\ttheme=dark&lang=en\n');
  const back = fromNetscape(result, importOptions('x.txt')).result;
  expect(back.cookies).toEqual(session.cookies.map(({ setAt: _s, sameSite: _ss, partitionKey: _p, ...c }) => c));
});

test('values cookies.txt cannot carry are reported, fractional expiries rounded down', () => {
  const session = goldenSession();
  session.cookies = [
    { ...session.cookies[1]!, name: 'tabbed', value: 'a\tb' },
    { ...session.cookies[1]!, name: 'frac', expires: 4102444800.75 },
  ];
  const { result, report } = toNetscape(session);
  expect(report.lost).toContainEqual({ what: 'cookies', count: 1, detail: 'a tab or line break in a name or value cannot be written to cookies.txt' });
  expect(report.lost).toContainEqual({ what: 'expiry precision', count: 1, detail: 'fractional seconds rounded down' });
  expect(cookieLines(result)).toEqual(['.example.com\tTRUE\t/\tFALSE\t4102444800\tfrac\ttheme=dark&lang=en']);
});

test('Python-style empty expiry, 6-field lines and expired cookies are understood', () => {
  const text = 'x.test\tFALSE\t/\tFALSE\t\tpy\tv\nx.test\tFALSE\t/\tFALSE\t0\tnovalue\ny.test\tFALSE\t/\tFALSE\t1000\told\tv\n';
  const { result, report } = fromNetscape(text, importOptions('c.txt'));
  expect(result.cookies.map((c) => [c.name, c.value, c.expires])).toEqual([['py', 'v', null], ['novalue', '', null]]);
  expect(report.lost).toContainEqual({ what: 'expired cookies', count: 1, detail: 'dropped on import' });
});

test('a malformed cookies.txt names the file, the line and the field', () => {
  expect(() => fromNetscape('# Netscape HTTP Cookie File\nx.test FALSE / FALSE 0 a b\n', importOptions('c.txt'))).toThrow(
    'c.txt: line 2: expected 7 tab-separated fields (domain, include-subdomains, path, secure, expires, name, value), found 1 (fields must be separated by tabs, not spaces).',
  );
  expect(() => fromNetscape('x.test\tyes\t/\tFALSE\t0\ta\tb', importOptions('c.txt'))).toThrow(
    'c.txt: line 1: the include-subdomains field must be TRUE or FALSE, found "yes".',
  );
  expect(() => fromNetscape('x.test\tFALSE\t/\tFALSE\tsoon\ta\tb', importOptions('c.txt'))).toThrow(
    'c.txt: line 1: the expires field must be Unix seconds (0 for a session cookie), found "soon".',
  );
});
