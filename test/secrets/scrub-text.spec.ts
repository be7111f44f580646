import { expect, test } from '@playwright/test';
import { isSecretHeader, redact, registerSecrets, scrubCredentials, scrubText, scrubUrls } from '../../src/core/redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';

test('scrubCredentials hides credentials by their shape in text from servers', () => {
  expect(scrubCredentials(`Set-Cookie: sid=abc123; Path=/; HttpOnly`)).toBe(`Set-Cookie: sid=${redact('abc123')}; Path=/; HttpOnly`);
  expect(scrubCredentials('cookie: a=1; sid=xyz')).toBe(`cookie: a=${redact('1')}; sid=${redact('xyz')}`);
  expect(scrubCredentials('sent Authorization: Bearer gho_4f2a9c81 and failed')).toBe(`sent Authorization: Bearer ${redact('gho_4f2a9c81')} and failed`);
  expect(scrubCredentials(`https://app.example/cb?code=AbC123&state=xyz#access_token=tok9`)).toBe(
    `https://app.example/cb?code=${redact('AbC123')}&state=xyz#access_token=${redact('tok9')}`,
  );
  expect(scrubCredentials('grant_type=refresh_token&refresh_token=rt-1&client_id=app')).toBe(`grant_type=refresh_token&refresh_token=${redact('rt-1')}&client_id=app`);
  expect(scrubCredentials('{"access_token":"at-1","token_type":"bearer","code":"E42","error":"invalid_grant"}')).toBe(
    `{"access_token":"${redact('at-1')}","token_type":"${redact('bearer')}","code":"E42","error":"invalid_grant"}`,
  );
  expect(scrubCredentials(`token was ${JWT}.`)).toBe(`token was ${redact(JWT)}.`);
});

test('scrubCredentials leaves ordinary text alone', () => {
  for (const text of [
    'Token expired',
    'Bearer tokens expire after an hour',
    'the token endpoint http://127.0.0.1:5/oauth/token answered 400 (invalid_grant: Unknown, used or expired refresh token.)',
    'POST http://127.0.0.1:5/oauth/token (grant_type=refresh_token)',
    'redirect chain: http://app.example/login → http://idp.example/authorize',
    'GET https://api.example.com/v1/users?page=2&sort=name answered status 500',
  ]) {
    expect(scrubCredentials(text)).toBe(text);
  }
});

test('scrubText: registered secrets and shapes, or everything as it is with reveal', () => {
  registerSecrets(['opaque-session-value-1']);
  const text = 'server said opaque-session-value-1 and ?code=C0DE99';
  expect(scrubText(text)).toBe(`server said ${redact('opaque-session-value-1')} and ?code=${redact('C0DE99')}`);
  expect(scrubText(text, true)).toBe(text);
});

test('scrubUrls hides credentials in the URLs of a message and leaves its advice alone', () => {
  const advice = "add the rule with `sessionjar edit app --header-rule 'X-XSRF-TOKEN=cookie:XSRF-TOKEN'`";
  expect(scrubUrls(`Redirect from https://app.example/cb?code=AbC123&state=s refused; ${advice}`)).toBe(
    `Redirect from https://app.example/cb?code=${redact('AbC123')}&state=s refused; ${advice}`,
  );
});

test('CSRF headers of any spelling count as credentials', () => {
  for (const name of ['X-CSRF', 'X-XSRF', 'csrf', 'X-CSRFToken', 'X-Xsrf-Token']) expect(isSecretHeader(name), name).toBe(true);
  for (const name of ['Accept', 'X-Requested-With', 'Origin']) expect(isSecretHeader(name), name).toBe(false);
});
