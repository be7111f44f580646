import { expect, test } from '@playwright/test';
import { isLoggedOut, loggedOutReason, needsBody } from '../../src/session/logged-out.js';
import { LoginSchema, type Login } from '../../src/session/schema/index.js';
import { matchesUrlPattern } from '../../src/session/url-pattern.js';

const login = (extra: Record<string, unknown> = {}): Login => LoginSchema.parse({ url: 'https://app.example/account/login', ...extra });

test('401, 419 and 440 mean logged out by default; 403 only when configured', () => {
  for (const status of [401, 419, 440]) expect(loggedOutReason({ status, url: 'https://app.example/api' })).toBe(`status ${status}`);
  expect(isLoggedOut({ status: 403, url: 'https://app.example/api' }, login())).toBe(false);
  expect(isLoggedOut({ status: 200, url: 'https://app.example/api' })).toBe(false);
  const strict = login({ loggedOut: { statuses: [401, 403] } });
  expect(loggedOutReason({ status: 403, url: 'https://app.example/api' }, strict)).toBe('status 403');
  expect(isLoggedOut({ status: 419, url: 'https://app.example/api' }, strict)).toBe(false);
});

test('a redirect to the login page (any query) is logged out; a direct visit to it is not', () => {
  expect(loggedOutReason({ status: 302, url: 'https://app.example/dash', location: '/account/login?next=%2Fdash' }, login())).toBe(
    'redirect to the login page https://app.example/account/login',
  );
  expect(loggedOutReason({ status: 200, url: 'https://app.example/account/login?next=/x', redirected: true }, login())).toBe(
    'redirect to the login page https://app.example/account/login',
  );
  expect(isLoggedOut({ status: 200, url: 'https://app.example/account/login' }, login())).toBe(false);
  expect(isLoggedOut({ status: 302, url: 'https://app.example/dash', location: '/account/settings' }, login())).toBe(false);
  expect(isLoggedOut({ status: 302, url: 'https://app.example/dash', location: 'https://other.example/account/login' }, login())).toBe(false);
});

test('issue 17: with a sign-in page learned, a redirect there is logged out and one to the start URL is not', () => {
  const sso = login({ url: 'https://app.example/profile', signInUrl: 'https://idp.example/signin', returnsToUrl: true });
  expect(isLoggedOut({ status: 302, url: 'https://app.example/', location: '/profile' }, sso)).toBe(false);
  expect(isLoggedOut({ status: 200, url: 'https://app.example/profile', redirected: true }, sso)).toBe(false);
  expect(loggedOutReason({ status: 200, url: 'https://idp.example/signin?client=app', redirected: true }, sso)).toBe('redirect to the sign-in page https://idp.example/signin');
  expect(loggedOutReason({ status: 302, url: 'https://app.example/x', location: 'https://idp.example/signin' }, sso)).toBe('redirect to the sign-in page https://idp.example/signin');
});

test('a start URL the login did not come back to stays a login page beside the sign-in page', () => {
  // An app's /login with a "sign in with ..." button, the password typed at the identity provider.
  const button = login({ url: 'https://app.example/login', signInUrl: 'https://idp.example/signin' });
  expect(loggedOutReason({ status: 200, url: 'https://app.example/login?next=/x', redirected: true }, button)).toBe('redirect to the login page https://app.example/login');
  expect(loggedOutReason({ status: 200, url: 'https://idp.example/signin', redirected: true }, button)).toBe('redirect to the sign-in page https://idp.example/signin');
  expect(isLoggedOut({ status: 302, url: 'https://app.example/', location: '/profile' }, button)).toBe(false);
});

test('a login URL of "/" does not make every redirect home a logout', () => {
  expect(isLoggedOut({ status: 302, url: 'https://app.example/x', location: '/' }, LoginSchema.parse({ url: 'https://app.example/' }))).toBe(false);
});

test('redirectTo globs catch a redirect to an identity provider', () => {
  const l = login({ loggedOut: { redirectTo: ['https://idp.example/**'] } });
  expect(loggedOutReason({ status: 303, url: 'https://app.example/x', location: 'https://idp.example/authorize?client_id=1' }, l)).toBe(
    'redirect to https://idp.example/authorize (matches "https://idp.example/**")',
  );
});

test('custom predicates: URL pattern, body regex, JSON path', () => {
  const l = login({ loggedOut: { urlPattern: '**/expired*', bodyRegex: 'Please sign in', jsonPath: 'error.login_required' } });
  expect(needsBody(l)).toBe(true);
  expect(needsBody(login())).toBe(false);
  expect(loggedOutReason({ status: 200, url: 'https://app.example/session/expired?x=1' }, l)).toBe('URL matches "**/expired*"');
  expect(loggedOutReason({ status: 200, url: 'https://app.example/', body: '<h1>Please sign in</h1>' }, l)).toBe('body matches /Please sign in/');
  expect(loggedOutReason({ status: 200, url: 'https://app.example/api', body: '{"error":{"login_required":true}}' }, l)).toBe('JSON body has "error.login_required"');
  expect(isLoggedOut({ status: 200, url: 'https://app.example/api', body: '{"error":{"login_required":null}}' }, l)).toBe(false);
  expect(isLoggedOut({ status: 200, url: 'https://app.example/api', body: 'not json {' }, l)).toBe(false);
});

test('a broken regex is refused in a file, and one handed over by code never breaks a request', () => {
  expect(() => login({ loggedOut: { bodyRegex: '(unclosed', urlPattern: '/[/' } })).toThrow(/not a valid regular expression/);
  const l = { url: 'https://app.example/account/login', env: [], loggedOut: { statuses: [401], redirectTo: [], bodyRegex: '(unclosed', urlPattern: '/[/' } } as Login;
  expect(isLoggedOut({ status: 200, url: 'https://app.example/', body: '(unclosed' }, l)).toBe(false);
});

test('URL patterns: ** spans slashes, * does not, ? is literal, /regex/ works', () => {
  expect(matchesUrlPattern('https://a.example/x/y/login', '**/login')).toBe(true);
  expect(matchesUrlPattern('https://a.example/x/login', 'https://a.example/*/login')).toBe(true);
  expect(matchesUrlPattern('https://a.example/x/y/login', 'https://a.example/*/login')).toBe(false);
  expect(matchesUrlPattern('https://a.example/login?next=1', '**/login?next=*')).toBe(true);
  expect(matchesUrlPattern('https://a.example/loginXnext=1', '**/login?next=*')).toBe(false);
  expect(matchesUrlPattern('https://a.example/LOGIN', '/\\/login$/i')).toBe(true);
});
