import { expect, test } from '@playwright/test';
import { recordOptionsFrom } from '../../src/cli/commands/record.js';
import { isSessionjarError } from '../../src/core/errors.js';

test('--logged-out-* options become the login block\'s loggedOut fields; only those given', () => {
  expect(
    recordOptionsFrom('app', { loggedOutStatus: '401, 403', loggedOutUrl: '**/signin*', loggedOutBodyRegex: 'Please sign in', loggedOutJsonPath: 'error.code' }).loggedOut,
  ).toEqual({ statuses: [401, 403], urlPattern: '**/signin*', bodyRegex: 'Please sign in', jsonPath: 'error.code' });
  expect(recordOptionsFrom('app', { loggedOutBodyRegex: 'Sign in' }).loggedOut).toEqual({ bodyRegex: 'Sign in' });
  expect(recordOptionsFrom('app', {}).loggedOut).toBeUndefined();
});

test('a --logged-out-status that is not a list of statuses, or a regex that cannot compile, is a usage error naming the option', () => {
  const cases: [Parameters<typeof recordOptionsFrom>[1], string][] = [
    [{ loggedOutStatus: '401,abc' }, '--logged-out-status: "abc" in "401,abc" is not an HTTP status; give three-digit statuses from 100 to 599, comma-separated, like 401,403.'],
    [{ loggedOutStatus: '4011' }, '--logged-out-status: "4011" is not an HTTP status; give three-digit statuses'],
    [{ untilUrl: '' }, '--until-url: give a non-empty value.'],
    [{ loggedOutBodyRegex: '(unclosed' }, '--logged-out-body-regex: "(unclosed" cannot be used: not a valid regular expression ('],
  ];
  for (const [raw, message] of cases) {
    let error: unknown;
    try {
      recordOptionsFrom('app', raw);
    } catch (e) {
      error = e;
    }
    expect(isSessionjarError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toContain(message);
  }
});
