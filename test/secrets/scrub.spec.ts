import { expect, test } from '@playwright/test';
import { SECRET_REGISTRY_LIMIT, redact, registerSecrets, registerSecretsLater, scrubRegistered, scrubRegisteredIn, scrubSecrets, watchSecrets } from '../../src/core/redact.js';
import { newSession } from '../../src/session/new-session.js';
import { parseSession } from '../../src/session/schema/index.js';
import { sessionSecrets, trackSessionSecrets } from '../../src/session/secrets.js';

test('sessionSecrets: cookie values, credential headers with and without scheme, storage values and JSON fields in them', () => {
  const s = newSession('x');
  const origin = 'https://api.example';
  s.cookies.push({ name: 'sid', value: 'cookie+value/1', domain: 'example', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true });
  s.cookies.push({ name: 'theme', value: 'dark', domain: 'example', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false });
  s.headers.default['User-Agent'] = 'Mozilla/5.0 not a secret';
  s.headers.origins[origin] = { Authorization: 'Bearer tok-abc-123456', 'Accept-Language': 'en-GB,en' };
  s.origins.push({ origin, localStorage: { auth: '{"session":{"access_token":"nested-access-token"}}', lang: 'en' }, sessionStorage: {} });
  const secrets = sessionSecrets(s);
  expect(secrets).toEqual(
    expect.arrayContaining(['cookie+value/1', 'cookie%2Bvalue%2F1', 'Bearer tok-abc-123456', 'tok-abc-123456', 'nested-access-token']),
  );
  for (const plain of ['dark', 'Mozilla/5.0 not a secret', 'en-GB,en', 'en']) expect(secrets).not.toContain(plain);
});

test('scrubSecrets replaces the longest secret first, so one containing another goes whole', () => {
  expect(scrubSecrets('token=abcd1234-efgh', ['abcd', 'abcd1234-efgh'])).toBe(`token=${redact('abcd1234-efgh')}`);
  expect(scrubSecrets('a 123 b', ['123'])).toBe('a 123 b');
});

test('registered secrets are scrubbed from any text printed later', () => {
  registerSecrets(['registered-secret-42']);
  expect(scrubRegistered('server said: bad token registered-secret-42 at line 1')).toBe('server said: bad token [redacted 20 chars] at line 1');
});

test('a JSON syntax error in a session file does not quote the file (V8 puts an excerpt in the message)', () => {
  const text = '{"version":1,"cookies":[{"value":very-secret-cookie}]}';
  expect(() => JSON.parse(text)).toThrow(/very-secre/);
  let message = '';
  try {
    parseSession(text, { file: 'recordings/b.json' });
  } catch (error) {
    message = (error as Error).message;
    expect((error as Error).cause).toBeUndefined();
  }
  expect(message).not.toContain('very-secre');
  expect(message).toBe(
    "recordings/b.json: not valid JSON (Unexpected token 'v' (excerpt withheld: it may hold a secret)). The file was left unchanged; fix it or re-record the session.",
  );
});

test('the registry stays bounded in a long-running process: the oldest values go first, values seen again stay', () => {
  const kept = 'still-in-use-session-cookie';
  registerSecrets(['rotated-away-0000']);
  registerSecrets([kept]);
  for (let i = 1; i < SECRET_REGISTRY_LIMIT; i++) {
    registerSecrets([`rotated-away-${String(i).padStart(4, '0')}`]);
    if (i % 1000 === 0) registerSecrets([kept]); // the live session reloaded by a write-back
  }
  expect(scrubRegistered('old rotated-away-0000')).toBe('old rotated-away-0000');
  expect(scrubRegistered(`live ${kept}`)).toBe('live [redacted 27 chars]');
  expect(scrubRegistered(`newest rotated-away-${SECRET_REGISTRY_LIMIT - 1}`)).toBe('newest [redacted 17 chars]');
});

// Issue 17: the forms a server echoes a value in, and values too ordinary to hide.
test('sessionSecrets: URL-decoded, unquoted and JSON-escaped forms; flags, words, small numbers and URLs left out', () => {
  const s = newSession('x');
  const jar = (name: string, value: string) => ({ name, value, domain: 'example', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true });
  s.cookies.push(jar('sid', 's%3Aabc123def.sig'), jar('q', '"quoted-value-9"'), jar('j', 'back\\slash-42'));
  const plain = ['true', 'production', '1733600', 'accepted', 'https://app.example/profile', 'https%3A%2F%2Fapp.example%2Fprofile'];
  plain.forEach((value, i) => s.cookies.push(jar(`p${i}`, value)));
  const secrets = sessionSecrets(s);
  expect(secrets).toEqual(expect.arrayContaining(['s%3Aabc123def.sig', 's:abc123def.sig', '"quoted-value-9"', 'quoted-value-9', 'back\\\\slash-42']));
  for (const value of plain) expect(secrets).not.toContain(value);
});

test('the sources of known secrets are asked only when text is scrubbed, not when registered', () => {
  let asked = 0;
  registerSecretsLater(() => {
    asked++;
    return ['later-secret-value-77'];
  });
  const stop = watchSecrets(() => {
    asked++;
    return ['live-secret-value-88'];
  });
  expect(asked).toBe(0);
  expect(scrubRegistered('a later-secret-value-77 b live-secret-value-88')).toBe('a [redacted 21 chars] b [redacted 20 chars]');
  expect(asked).toBe(2);
  stop();
  expect(scrubRegistered('live-secret-value-88')).toBe('live-secret-value-88');
});

test('a tracked session: the values it holds when printing are hidden, and those it held when closed stay hidden', () => {
  const owner = { session: newSession('x') };
  const stop = trackSessionSecrets(owner, (o) => o.session);
  owner.session = { ...owner.session, cookies: [{ name: 'sid', value: 'rotated-sid-value-1', domain: 'example', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true }] };
  expect(scrubRegistered('now rotated-sid-value-1')).toBe('now [redacted 19 chars]');
  stop();
  owner.session = newSession('y');
  expect(scrubRegistered('later rotated-sid-value-1')).toBe('later [redacted 19 chars]');
});

test('scrubRegisteredIn hides secrets in every string of a value, even ones JSON would escape', () => {
  registerSecrets(['has"quote\\and-slash']);
  const printed = JSON.stringify(scrubRegisteredIn({ list: [{ reason: 'server said has"quote\\and-slash' }], n: 1 }));
  expect(printed).toBe('{"list":[{"reason":"server said [redacted 19 chars]"}],"n":1}');
});
