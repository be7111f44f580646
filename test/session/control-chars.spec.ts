import { expect, test } from '@playwright/test';
import { isSessionjarError } from '../../src/core/errors.js';
import { newSession } from '../../src/session/new-session.js';
import { parseSession } from '../../src/session/schema/index.js';

// Issue 10: control characters (CR/LF above all) in cookies and headers of a hostile session file
// would split a request's headers or reach a terminal; the file is refused when it is loaded.

const source = { file: 'recordings/evil.json' };
const cookie = (extra: Record<string, unknown>) => ({ name: 'sid', value: 'v', domain: 'app.example', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true, ...extra });
const doc = (extra: Record<string, unknown>) => ({ ...newSession('evil'), ...extra });
const load = (extra: Record<string, unknown>) => parseSession(JSON.stringify(doc(extra)), source);

function refusal(extra: Record<string, unknown>): string {
  try {
    load(extra);
  } catch (error) {
    expect(isSessionjarError(error, 'SESSION_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

test('a cookie value, name, domain, path or partition key with control characters is refused at its JSON path', () => {
  const ok = [cookie({ name: 'a' }), cookie({ name: 'b' }), cookie({ name: 'c' })];
  const cases: [Record<string, unknown>, string][] = [
    [{ value: 'x\r\nSet-Cookie: admin=1' }, 'cookies[3].value'],
    [{ value: 'x\nHost: evil.example' }, 'cookies[3].value'],
    [{ value: 'a\u0000b' }, 'cookies[3].value'],
    [{ value: '\u001b]0;owned\u0007' }, 'cookies[3].value'],
    [{ value: 'tab\there' }, 'cookies[3].value'],
    [{ value: 'x\u007f' }, 'cookies[3].value'],
    [{ value: 'x; admin=1' }, 'cookies[3].value'],
    [{ name: 'sid\r\nX-Evil: 1' }, 'cookies[3].name'],
    [{ name: 'a=b' }, 'cookies[3].name'],
    [{ name: 'a;b' }, 'cookies[3].name'],
    [{ domain: 'app.example\r\n' }, 'cookies[3].domain'],
    [{ domain: 'app example' }, 'cookies[3].domain'],
    [{ path: '/\r\nX-Evil: 1' }, 'cookies[3].path'],
    [{ path: '/a;b' }, 'cookies[3].path'],
    [{ partitionKey: 'https://a.example\n' }, 'cookies[3].partitionKey'],
  ];
  for (const [bad, field] of cases) {
    const message = refusal({ cookies: [...ok, cookie(bad)] });
    expect(message).toContain('recordings/evil.json: not a valid sessionjar session file');
    expect(message).toContain(`→ at ${field}\n`);
    expect(message).toContain('The file was left unchanged');
    // The refusal names the field, never its (secret) value.
    expect(message).not.toContain('admin=1');
  }
});

test('cookies as browsers store them still load: = and quotes in values, brackets and spaces in names', () => {
  const cookies = [
    cookie({ name: 'cart[1]', value: '"quoted, with spaces"' }),
    cookie({ name: 'b64', value: 'YWJj==' }),
    cookie({ name: '', value: 'nameless' }),
    cookie({ domain: 'xn--bcher-kva.example', path: '/a b/%0D' }),
  ];
  expect(load({ cookies }).cookies).toEqual(cookies);
});

test('header names that are not tokens and header values or templates with CR/LF are refused at their JSON path', () => {
  const rule = (extra: Record<string, unknown>) => ({ header: 'Authorization', template: 'Bearer {value}', from: { cookie: 'sid' }, origins: ['https://api.example'], ...extra });
  const cases: [Record<string, unknown>, string][] = [
    [{ headers: { default: { 'X-Ok': 'v', 'X-Evil': 'v\r\nX-Injected: 1' } } }, 'headers.default["X-Evil"]'],
    [{ headers: { default: { 'X-Evil\r\nX-Injected': 'v' } } }, 'headers.default["X-Evil\\r\\nX-Injected"]'],
    [{ headers: { default: { 'Bad Name': 'v' } } }, 'headers.default["Bad Name"]'],
    [{ headers: { origins: { 'https://api.example': { Authorization: 'Bearer t\n' } } } }, 'headers.origins["https://api.example"].Authorization'],
    [{ headers: { rules: [rule({ template: 'Bearer {value}\r\nX-Injected: 1' })] } }, 'headers.rules[0].template'],
    [{ headers: { rules: [rule({ header: 'Authorization: x' })] } }, 'headers.rules[0].header'],
    [{ tokens: { jwts: [{ from: { header: 'X-Token\n', origin: 'https://api.example' }, exp: null }] } }, 'tokens.jwts[0].from.header'],
  ];
  for (const [extra, field] of cases) {
    const message = refusal(extra);
    expect(message).toContain(`→ at ${field}`);
    expect(message).toMatch(/must not contain control characters \(such as CR or LF\): a header value is one line|HTTP header name: letters, digits/);
  }
  // A tab is allowed inside a header value (RFC 9110), and so are quotes and commas.
  const headers = { default: { 'User-Agent': 'a\tb, "c"' }, origins: {}, rules: [] };
  expect(load({ headers }).headers).toEqual(headers);
});
