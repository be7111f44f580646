import { expect, test } from '@playwright/test';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Issue 17: `record` and `edit` take the same --probe and --logged-out-* options and refuse a bad
// value the same way: a usage error (exit 2) naming the option and saying what to give, with the
// same message, before a browser starts or a file is written. Runs the real binary (npm run build).

const LOGIN = 'http://127.0.0.1:9/login';

/** [option, bad value, part of the message after "<option>: "]. */
const BAD: [string, string, string][] = [
  ['--logged-out-status', '0401', '"0401" is not an HTTP status; give three-digit statuses from 100 to 599, comma-separated, like 401,403.'],
  ['--logged-out-status', '401,4011', '"4011" in "401,4011" is not an HTTP status; give three-digit statuses'],
  ['--logged-out-status', '099', '"099" is not an HTTP status'],
  ['--logged-out-status', '2xx', '"2xx" is not an HTTP status'],
  ['--logged-out-status', '', '"" is not an HTTP status'],
  ['--logged-out-url', '/(a+)+$/i', '"/(a+)+$/i" cannot be used: the pattern has unbounded repetition'],
  ['--logged-out-url', '/([/', '"/([/" cannot be used: not a valid regular expression'],
  ['--logged-out-url', '', 'give a non-empty value.'],
  ['--logged-out-body-regex', '([', '"([" cannot be used: not a valid regular expression'],
  ['--logged-out-body-regex', '^(a+)+\\1$', 'which allows no backreferences'],
  ['--logged-out-body-regex', ' ', 'give a non-empty value.'],
  ['--logged-out-json-path', 'constructor.x', '"constructor.x" cannot be used: the dot path "constructor.x" has the segment "constructor"'],
  ['--logged-out-json-path', 'error.__proto__', 'has the segment "__proto__"'],
  ['--logged-out-json-path', '', 'give a non-empty value.'],
  ['--probe', 'ftp://app.example/me', '"ftp://app.example/me" is not an absolute http(s) URL; give one like https://app.example/api/me.'],
  ['--probe', '/api/me', '"/api/me" is not an absolute http(s) URL'],
  ['--probe', '', '"" is not an absolute http(s) URL'],
];

test('issue 17: record and edit refuse each bad value of a shared option with exit 2 and the same message naming the option', async () => {
  const root = tempDir('sj-shared-options-');
  const state = join(root, 'state.json');
  await writeFile(state, JSON.stringify({ cookies: [{ name: 'sid', value: 'v', domain: '127.0.0.1', path: '/', expires: -1, httpOnly: false, secure: false, sameSite: 'Lax' }], origins: [] }));
  expect((await runCli(root, ['import', state, '--as', 's'])).status).toBe(0);
  const file = join(root, 'recordings', 's.json');
  const before = await readFile(file, 'utf8');

  for (const [option, value, message] of BAD) {
    const [record, edit] = await Promise.all([
      runCli(root, ['record', 'new', '--url', LOGIN, option, value]),
      runCli(root, ['edit', 's', '--login-url', LOGIN, option, value]),
    ]);
    const row = `${option} ${JSON.stringify(value)}`;
    expect({ row, ...record }).toEqual({ row, status: 2, stdout: '', stderr: expect.stringContaining(`sessionjar: error [USAGE]: ${option}: `) });
    expect(record.stderr, row).toContain(message);
    expect(edit, row).toEqual(record);
  }
  expect(await readFile(file, 'utf8')).toBe(before);
  expect((await readdir(join(root, 'recordings'))).sort()).toEqual(['s.json']);
});

test('issue 17: values one command accepts, the other accepts too, read the same way', async () => {
  const root = tempDir('sj-shared-options-ok-');
  const state = join(root, 'state.json');
  await writeFile(state, JSON.stringify({ cookies: [], origins: [] }));
  expect((await runCli(root, ['import', state, '--as', 's'])).status).toBe(0);
  const good = ['--probe', 'http://127.0.0.1:9/me', '--logged-out-status', ' 401, 403', '--logged-out-url', '**/signin*', '--logged-out-body-regex', 'Please sign in', '--logged-out-json-path', 'error.code'];
  // Past the options, record stops at the missing display (exit 13), before any browser starts.
  const record = await runCli(root, ['record', 'new', '--url', LOGIN, ...good]);
  expect(record.stderr).toContain('[NO_DISPLAY]');
  const edit = await runCli(root, ['edit', 's', '--login-url', LOGIN, ...good]);
  expect(edit.status).toBe(0);
  const saved = JSON.parse(await readFile(join(root, 'recordings', 's.json'), 'utf8')) as { login: unknown };
  expect(saved.login).toEqual({
    url: LOGIN,
    env: [],
    probe: { url: 'http://127.0.0.1:9/me', method: 'GET', expect: {} },
    loggedOut: { statuses: [401, 403], redirectTo: [], urlPattern: '**/signin*', bodyRegex: 'Please sign in', jsonPath: 'error.code' },
  });
});

test('issue 17: edit\'s own header and probe values are refused by the same parsers, as usage errors naming the option', async () => {
  const root = tempDir('sj-edit-values-');
  const state = join(root, 'state.json');
  await writeFile(state, JSON.stringify({ cookies: [], origins: [] }));
  expect((await runCli(root, ['import', state, '--as', 's'])).status).toBe(0);
  const cases: [string[], string][] = [
    [['--header', 'X-A: a\x01b'], '--header: the value of X-A has control characters (such as CR or LF); a header value is one line.'],
    [['--header-rule', 'X-T=localStorage:auth#constructor.x@https://app.example'], '--header-rule: "X-T=localStorage:auth#constructor.x@https://app.example" cannot be used: the dot path "constructor.x"'],
    [['--login-url', LOGIN, '--probe', 'http://127.0.0.1:9/me', '--probe-json-path', 'user.__proto__'], '--probe-json-path: "user.__proto__" cannot be used'],
    [['--login-url', LOGIN, '--probe', 'http://127.0.0.1:9/me', '--probe-status', '0200'], '--probe-status: "0200" is not an HTTP status'],
    [['--remove-header', 'Host'], '--remove-header: "Host" is not a header a session keeps.'],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(root, ['edit', 's', ...args]);
    expect({ args, status: run.status }).toEqual({ args, status: 2 });
    expect(run.stderr).toContain(`sessionjar: error [USAGE]: ${message}`);
  }
});
