import { expect, test } from '@playwright/test';
import { exportSession, toCookieHeader } from '../../src/session/convert/index.js';
import { goldenSession, NOW } from './fixtures.js';

test('the Cookie header for a URL applies domain, host-only, path, Secure and expiry (RFC 6265)', () => {
  const session = goldenSession();
  const c = session.cookies[1]!;
  session.cookies.push(
    { ...c, name: 'deep', path: '/v1/users', value: 'd' },
    { ...c, name: 'sibling', path: '/v10', value: 's' },
    { ...c, name: 'gone', expires: NOW.getTime() / 1000 - 1, value: 'g' },
  );
  const header = (url: string) => toCookieHeader(session, { url, now: NOW }).result;
  // Longest path first; Secure cookies only over https; host-only csrf only on api.example.com.
  expect(header('https://api.example.com/v1/users/7')).toBe('deep=d; csrf="quoted-token=="; prefs=theme=dark&lang=en');
  expect(header('http://api.example.com/v1/users/7')).toBe('deep=d; prefs=theme=dark&lang=en');
  expect(header('https://www.example.com/')).toBe('sid=s%3Aabc123.XyZ; prefs=theme=dark&lang=en');
  expect(header('https://sub.www.example.com/')).toBe('prefs=theme=dark&lang=en');
  expect(header('https://example.com/v10')).toBe('sibling=s; prefs=theme=dark&lang=en');
  expect(header('https://badexample.com/')).toBe('');
  // A partitioned cookie goes only to a top-level request on its partition's site.
  expect(header('https://widget.example.net/')).toBe('');
});

test('cookie-header needs --url and reports what a header cannot hold', () => {
  const session = goldenSession();
  expect(() => toCookieHeader(session, {})).toThrow('--url is required with --to cookie-header');
  const { result, report } = exportSession(session, 'cookie-header', { url: 'https://www.example.com/', now: NOW });
  expect(result).toBe('sid=s%3Aabc123.XyZ; prefs=theme=dark&lang=en\n');
  expect(report.lost.slice(0, 2)).toEqual([
    { what: 'cookies', count: 2, detail: 'not sent to https://www.example.com/ (other domain or path, Secure over http, expired)' },
    { what: 'cookie attributes', count: 2, detail: 'a Cookie header holds only name=value: domain, path, expiry and flags are dropped' },
  ]);
});
