import { expect, test } from '@playwright/test';
import { isSessionjarError } from '../../src/core/errors.js';
import { getJsonPath } from '../../src/session/json-path.js';
import { loggedOutReason } from '../../src/session/logged-out.js';
import { newSession } from '../../src/session/new-session.js';
import { parseSession, type Login, type Session } from '../../src/session/schema/index.js';
import { readStateRef, writeStateRef } from '../../src/session/state-ref.js';

// Issue 10: a JSON path from a hostile session file must neither be accepted nor reach Object.prototype.

const source = { file: 'recordings/evil.json' };
const ref = (jsonPath: string) => ({ storage: 'localStorage' as const, origin: 'https://app.example', key: 'auth', jsonPath });

function loadError(doc: Record<string, unknown>): Error {
  try {
    parseSession(JSON.stringify(doc), source);
  } catch (error) {
    expect(isSessionjarError(error, 'SESSION_INVALID')).toBe(true);
    return error as Error;
  }
  throw new Error('expected the file to be refused');
}

test.afterEach(() => {
  // Should a check fail, leave no pollution behind for the tests after it.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

test('a file with __proto__, constructor or prototype in any JSON path is refused, naming the field', () => {
  const base = newSession('evil') as unknown as Record<string, unknown>;
  const login = (extra: Record<string, unknown>) => ({ ...base, login: { url: 'https://app.example/login', ...extra } });
  const cases: [Record<string, unknown>, string][] = [
    [login({ loggedOut: { jsonPath: '__proto__.polluted' } }), 'login.loggedOut.jsonPath'],
    [login({ probe: { url: 'https://app.example/me', expect: { jsonPath: 'user.constructor' } } }), 'login.probe.expect.jsonPath'],
    [{ ...base, headers: { rules: [{ header: 'Authorization', from: ref('a.prototype'), origins: ['https://app.example'] }] } }, 'headers.rules[0].from.jsonPath'],
    [{ ...base, tokens: { oauth: { tokenEndpoint: 'https://app.example/token', refreshToken: ref('__proto__.polluted') } } }, 'tokens.oauth.refreshToken.jsonPath'],
    [{ ...base, tokens: { jwts: [{ from: ref('x.__proto__'), exp: null }] } }, 'tokens.jwts[0].from'],
  ];
  for (const [doc, field] of cases) {
    const { message } = loadError(doc);
    expect(message).toContain('recordings/evil.json: not a valid sessionjar session file');
    expect(message).toContain(`→ at ${field}`);
    expect(message).toMatch(/has the segment "(__proto__|constructor|prototype)", which is not allowed/);
    expect(message).toContain('The file was left unchanged');
  }
});

test('evaluating a path walks own properties only: a hostile body neither matches nor pollutes', () => {
  // As a library caller may build it, without the schema.
  const login = (jsonPath: string) => ({ url: 'https://app.example/login', env: [], loggedOut: { statuses: [401], redirectTo: [], jsonPath } }) as Login;
  const body = '{"__proto__":{"polluted":"yes"},"user":{}}';
  for (const path of ['__proto__.polluted', 'constructor', 'user.constructor.name', 'user.toString', 'user.hasOwnProperty']) {
    expect(loggedOutReason({ status: 200, url: 'https://app.example/api', body }, login(path))).toBeUndefined();
  }
  expect(getJsonPath(JSON.parse(body), 'user.constructor')).toBeUndefined();
  expect(getJsonPath({ a: { b: 1 } }, 'a.b')).toBe(1);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('writing a token through a __proto__ path throws instead of setting Object.prototype', () => {
  const session: Session = { ...newSession('s'), origins: [{ origin: 'https://app.example', localStorage: { auth: '{}' }, sessionStorage: {} }] };
  expect(() => writeStateRef(session, ref('__proto__.polluted'), 'token')).toThrow(/cannot write a token: the dot path "__proto__\.polluted" has the segment "__proto__"/);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  // A storage key named like an Object.prototype member is just missing, not the function.
  expect(readStateRef(session, { storage: 'localStorage', origin: 'https://app.example', key: 'constructor' })).toBeUndefined();
  expect(readStateRef(writeStateRef(session, ref('a.token'), 't1'), ref('a.token'))).toBe('t1');
});
