import { expect, test } from '@playwright/test';
import { isSessionjarError } from '../../src/core/errors.js';
import { applyRefresh, createRefresher, refreshSession } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { SingleFlight } from '../../src/refresh/single-flight.js';
import { newSession } from '../../src/session/new-session.js';
import type { Cookie, Session } from '../../src/session/schema/index.js';
import { readStateRef } from '../../src/session/state-ref.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

const nowS = () => Math.floor(Date.now() / 1000);

function jwt(exp: number): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: 'u', exp, jti: Math.random() })}.sig`;
}

function cookie(name: string, value: string, expires: number | null, domain = '127.0.0.1'): Cookie {
  return { name, value, domain, hostOnly: true, path: '/', expires, httpOnly: true, secure: false };
}

/** A token endpoint on loopback that rotates refresh tokens, or refuses every grant. */
async function tokenServer(refuse = false): Promise<TestServer & { calls: () => number; apiCalls: () => number }> {
  let calls = 0;
  let apiCalls = 0;
  const server = await startHttpServer((req, res) => {
    if (req.url !== '/oauth/token') {
      // An API that never takes any token: what a broken login block looks like from the client.
      apiCalls++;
      res.statusCode = 401;
      res.end('{"error":"invalid_token"}');
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls++;
      const form = new URLSearchParams(body);
      res.setHeader('content-type', 'application/json');
      if (refuse || form.get('grant_type') !== 'refresh_token') {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Unknown, used or expired refresh token.' }));
        return;
      }
      // Slow enough that concurrent callers overlap.
      setTimeout(() => res.end(JSON.stringify({ access_token: jwt(nowS() + 3600), refresh_token: `rt-${calls}-rotated`, expires_in: 3600 })), 100);
    });
  });
  return Object.assign(server, { calls: () => calls, apiCalls: () => apiCalls });
}

function spaSession(endpoint: string): Session {
  const origin = 'http://127.0.0.1:9';
  const ref = { storage: 'localStorage' as const, origin, key: 'auth' };
  return {
    ...newSession('spa'),
    origins: [{ origin, localStorage: { auth: JSON.stringify({ access_token: jwt(nowS() - 5), refresh_token: 'rt-0' }) }, sessionStorage: {} }],
    headers: { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from: { ...ref, jsonPath: 'access_token' }, origins: [origin] }] },
    tokens: { jwts: [{ from: { ...ref, jsonPath: 'access_token' }, exp: nowS() - 5 }], oauth: { tokenEndpoint: `${endpoint}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: { ...ref, jsonPath: 'access_token' } } },
  };
}

test('single flight: concurrent callers share one run; the next call after it settles runs again', async () => {
  const flight = new SingleFlight<number>();
  let runs = 0;
  const job = () => new Promise<number>((r) => setTimeout(() => r(++runs), 20));
  expect(await Promise.all(Array.from({ length: 20 }, () => flight.run(job)))).toEqual(Array(20).fill(1));
  expect(await flight.run(job)).toBe(2);
  await expect(flight.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(await flight.run(job)).toBe(3);
});

test('20 concurrent refreshes of an expired token session: one token request, rotated tokens saved', async () => {
  const server = await tokenServer();
  try {
    const store = new MemoryStore();
    await store.save('spa', spaSession(server.origin));
    const refresher = createRefresher({ store, name: 'spa', interactive: false });
    const stale = await store.load('spa');
    expect(refresher.isStale?.(stale)).toBe(true);
    const results = await Promise.all(Array.from({ length: 20 }, () => refresher.refresh({ kind: 'stale', url: 'http://127.0.0.1:9/api', session: stale })));
    expect(server.calls()).toBe(1);
    const saved = await store.load('spa');
    expect(results.every((s) => s.updatedAt === saved.updatedAt)).toBe(true);
    expect(readStateRef(saved, saved.tokens!.oauth!.refreshToken)).toBe('rt-1-rotated');
    expect(saved.tokens!.jwts[0]!.exp).toBeGreaterThan(nowS() + 3000);
    expect(refresher.isStale?.(saved)).toBe(false);
    // A request that was in flight with the old state asks again: the file moved on, so no new login.
    await refresher.refresh({ kind: 'logged-out', url: 'http://127.0.0.1:9/api', session: stale });
    expect(server.calls()).toBe(1);
  } finally {
    await server.close();
  }
});

test('a refused refresh token: REFRESH_FAILED naming the endpoint and the answer; the store is unchanged', async () => {
  const server = await tokenServer(true);
  try {
    const store = new MemoryStore();
    await store.save('spa', spaSession(server.origin));
    const before = JSON.stringify(await store.load('spa'));
    const error = await refreshSession({ store, name: 'spa', interactive: false }).catch((e: unknown) => e);
    expect(isSessionjarError(error, 'REFRESH_FAILED')).toBe(true);
    expect((error as Error).message).toBe(
      [
        'refresh of session "spa" failed; memory:spa was left unchanged:',
        `  - OAuth refresh token: failed: the token endpoint ${server.origin}/oauth/token answered 400 (invalid_grant: Unknown, used or expired refresh token.)`,
        '  - silent single sign-on: not applicable: the session has no login URL',
        '  - recorded recipe (headless browser): not applicable: the session was imported, with no login block or recipe',
        '  - interactive login (a person, in a browser window): not applicable: the session has no login block',
        'The session has no login block (it was imported, not recorded): record it with `sessionjar record spa --url <login-url> --force`, or import a fresh copy with --force.',
      ].join('\n'),
    );
    expect(JSON.stringify(await store.load('spa'))).toBe(before);
  } finally {
    await server.close();
  }
});

test('nothing applies: SESSION_EXPIRED with the exact commands to run', async () => {
  const store = new MemoryStore();
  await store.save('intranet', { ...newSession('intranet'), cookies: [cookie('sid', 'a', nowS() - 10, 'intranet.example')], login: { url: 'https://intranet.example/login', env: [] } });
  const error = await refreshSession({ store, name: 'intranet', interactive: false }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'SESSION_EXPIRED')).toBe(true);
  expect((error as Error).message).toContain('session "intranet" has expired and no strategy can refresh it here:\n');
  expect((error as Error).message).toContain(
    'Run `sessionjar refresh intranet` in a terminal with a display to log in by hand, or record it again: `sessionjar record intranet --url https://intranet.example/login --force`.',
  );
});

test('an imported session (no login block) is told to record again, not to refresh by hand', async () => {
  const store = new MemoryStore();
  await store.save('imported', { ...newSession('imported'), cookies: [cookie('sid', 'a', nowS() - 10, 'intranet.example')] });
  const error = await refreshSession({ store, name: 'imported', interactive: false }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'SESSION_EXPIRED')).toBe(true);
  expect((error as Error).message).toContain('  - interactive login (a person, in a browser window): not applicable: the session has no login block\n');
  expect((error as Error).message).not.toContain('log in by hand');
  expect((error as Error).message.split('\n').at(-1)).toBe(
    'The session has no login block (it was imported, not recorded): record it with `sessionjar record imported --url <login-url> --force`, or import a fresh copy with --force.',
  );
});

test('after the lock, a file another process refreshed is used as it is', async () => {
  const store = new MemoryStore();
  const seen: Session = { ...newSession('s', new Date(Date.now() - 60_000)), cookies: [cookie('sid', 'old', nowS() - 1)] };
  await store.save('s', { ...seen, generation: 1, updatedAt: new Date().toISOString(), cookies: [cookie('sid', 'new', nowS() + 3600)] });
  const result = await refreshSession({ store, name: 's', interactive: false, seen });
  expect(result).toMatchObject({ refreshedElsewhere: true, outcomes: [] });
  expect(result.session.cookies[0]?.value).toBe('new');
});

test('issue 19: a login another process already committed is taken up without queueing for the refresh lock', async () => {
  const store = new MemoryStore();
  const seen: Session = { ...newSession('s', new Date(Date.now() - 60_000)), cookies: [cookie('sid', 'old', nowS() - 1)] };
  await store.save('s', { ...seen, generation: 1, updatedAt: new Date().toISOString(), cookies: [cookie('sid', 'new', nowS() + 3600)] });
  // Someone holds the lock (another fleet worker checking, a slow login of another session's scope).
  let release = () => {};
  const held = store.withLock('s', 'refresh', () => new Promise<void>((resolve) => (release = resolve)));
  const result = await refreshSession({ store, name: 's', interactive: false, seen });
  expect(result.refreshedElsewhere).toBe(true);
  expect(result.session.cookies[0]?.value).toBe('new');
  release();
  await held;
});

test('issue 17: a file another process only wrote an ordinary cookie into is not "refreshed elsewhere"', async () => {
  const store = new MemoryStore();
  // No cookie with a login-like name: every cookie counts as a credential to the fingerprint.
  const seen: Session = { ...newSession('s', new Date(Date.now() - 60_000)), cookies: [cookie('a', '1', null)] };
  await store.save('s', seen);
  await store.update('s', (s) => ({ ...s, cookies: [...s.cookies, { ...cookie('theme', 'dark', null), setAt: Date.now() }] }));
  const lines: string[] = [];
  // Same login generation: this process refreshes itself (here no strategy applies, so it says so).
  const error = await refreshSession({ store, name: 's', interactive: false, seen, onStatus: (l) => lines.push(l) }).catch((e: unknown) => e);
  expect(isSessionjarError(error, 'SESSION_EXPIRED')).toBe(true);
  expect(lines).not.toContain('another process refreshed the session meanwhile; using its result');
});

test('a refresh moves the login generation by one and keeps it in the file', async () => {
  const base = { ...newSession('m'), generation: 4, cookies: [cookie('sid', 'old', null)] };
  expect(applyRefresh(base, base, { ...base, cookies: [cookie('sid', 'new', null)] }).generation).toBe(5);
  expect(applyRefresh(newSession('m'), newSession('m'), newSession('m')).generation).toBe(1);
});

test('a refresh ahead of the expiry that fails lets the request go on with the current session', async () => {
  const store = new MemoryStore();
  const expiring = { ...newSession('e'), cookies: [cookie('sid', 'v', nowS() + 30)] };
  await store.save('e', expiring);
  const lines: string[] = [];
  const refresher = createRefresher({ store, name: 'e', interactive: false, onStatus: (l) => lines.push(l) });
  expect(refresher.isStale?.(expiring)).toBe(true);
  expect((await refresher.refresh({ kind: 'stale', url: 'https://x.example/', session: expiring })).cookies[0]?.value).toBe('v');
  expect(refresher.isStale?.(expiring)).toBe(false);
  expect(lines.at(-1)).toMatch(/^refresh ahead of the expiry failed; going on with the current session \(SESSION_EXPIRED: /);
});

test('issue 17: after a refresh ahead of the expiry failed, a cookie the server sets does not make the same login stale again', async () => {
  const store = new MemoryStore();
  // No cookie with a login-like name: each counts as a credential to a fingerprint.
  const expiring = { ...newSession('e'), cookies: [cookie('a', 'v', nowS() + 30)] };
  await store.save('e', expiring);
  const refresher = createRefresher({ store, name: 'e', interactive: false });
  await refresher.refresh({ kind: 'stale', url: 'https://x.example/', session: expiring });
  expect(refresher.isStale?.(expiring)).toBe(false);
  expect(refresher.isStale?.({ ...expiring, cookies: [...expiring.cookies, { ...cookie('theme', 'dark', null), setAt: Date.now() }] })).toBe(false);
});

test('the refresh merges into the file as it is now: cookies written meanwhile by others survive', () => {
  const base = { ...newSession('m'), cookies: [cookie('sid', 'old', null), cookie('gone', 'x', null)] };
  const refreshed = { ...base, cookies: [cookie('sid', 'new', null)] };
  const disk = { ...base, cookies: [...base.cookies, { ...cookie('pref', 'dark', null), setAt: Date.now() }] };
  const merged = applyRefresh(disk, base, refreshed);
  expect(Object.fromEntries(merged.cookies.map((c) => [c.name, c.value]))).toEqual({ sid: 'new', pref: 'dark' });
});

test('a second logged-out answer after a refresh is an error, never a loop', async () => {
  const server = await tokenServer();
  try {
    const store = new MemoryStore();
    // Fresh by the clock, so only the 401 triggers the refresh.
    const session = spaSession(server.origin);
    await store.save('spa', { ...session, origins: [{ origin: 'http://127.0.0.1:9', localStorage: { auth: JSON.stringify({ access_token: jwt(nowS() + 3600), refresh_token: 'rt-0' }) }, sessionStorage: {} }] });
    const client = await openSession('spa', { store, refresher: createRefresher({ store, name: 'spa', interactive: false }) });
    const error = await client.request(`${server.origin}/api/me`).catch((e: unknown) => e);
    await client.close();
    expect(isSessionjarError(error, 'SESSION_EXPIRED')).toBe(true);
    expect((error as Error).message).toBe(
      `re-login did not restore access: GET ${server.origin}/api/me answered as logged out again (status 401) right after a refresh. Check the session's login block (login.loggedOut, login.probe), or record it again.`,
    );
    expect(server.calls()).toBe(1);
    expect(server.apiCalls()).toBe(2);
  } finally {
    await server.close();
  }
});
