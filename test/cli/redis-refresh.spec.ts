import { expect, test } from '@playwright/test';
import { runCli } from '../helpers/cli.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openStore } from '../../src/store/open-store.js';
import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';

// `refresh`, `edit` and `status` on a shared Redis store (issue 19 says they all work there): real
// CLI processes, a real redis-server on a unix socket, an OAuth token endpoint on loopback.

const nowS = () => Math.floor(Date.now() / 1000);
const jwt = (exp: number, sub: string) => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub, exp })}.sig`;
};

let redis: RedisServer;
let server: TestServer;
let grants = 0;
test.beforeAll(async () => {
  redis = await startRedis();
  server = await startHttpServer((req, res) => {
    if (req.url === '/oauth/token') {
      grants++;
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: jwt(nowS() + 3600, `new-${grants}`), refresh_token: `rt-${grants}` })));
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const fresh = token.split('.').length === 3 && JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp > nowS();
    res.writeHead(fresh ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: fresh, 'x-team': req.headers['x-team'] ?? null }));
  });
});
test.afterAll(async () => {
  await Promise.all([redis?.stop(), server?.close()]);
});

/** Expired by its own clock, with a refresh token the token endpoint trades. */
function staleSession(): Session {
  const origin = server.origin;
  const ref = { storage: 'localStorage' as const, origin, key: 'auth' };
  return {
    ...newSession('app'),
    origins: [{ origin, localStorage: { auth: JSON.stringify({ access_token: jwt(nowS() - 5, 'old'), refresh_token: 'rt-0' }) }, sessionStorage: {} }],
    headers: { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from: { ...ref, jsonPath: 'access_token' }, origins: [origin] }] },
    tokens: {
      jwts: [{ from: { ...ref, jsonPath: 'access_token' }, exp: null }],
      oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: { ...ref, jsonPath: 'access_token' } },
    },
  };
}

test('status, refresh and edit on Redis: the stale session is refreshed once into Redis, then used with the edited header', async () => {
  const dir = tempDir('sj-cli-redis-refresh-');
  const store = await openStore(redis.url);
  try {
    await store.save('app', staleSession());
    const cli = (args: string[]) => runCli(dir, [...args, '--store', redis.url]);

    const before = await cli(['status', 'app', '--json']);
    expect(JSON.parse(before.stdout)).toMatchObject({ state: 'expired' });

    grants = 0;
    const refreshed = await cli(['refresh', 'app', '--json']);
    expect(refreshed.status, refreshed.stderr).toBe(0);
    expect(grants).toBe(1);
    const stored = await store.load('app');
    expect(stored.generation).toBe(1);
    expect(JSON.parse(stored.origins[0]?.localStorage.auth ?? '{}')).toMatchObject({ refresh_token: 'rt-1' });
    expect(JSON.parse((await cli(['status', 'app', '--json'])).stdout)).toMatchObject({ state: 'valid' });

    const edited = await cli(['edit', 'app', '--header', 'X-Team: blue']);
    expect(edited.status, edited.stderr).toBe(0);
    expect((await store.load('app')).headers.default).toMatchObject({ 'X-Team': 'blue' });

    const answer = await cli(['request', 'app', `${server.origin}/api/me`]);
    expect(answer.status, answer.stderr).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({ ok: true, 'x-team': 'blue' });
    expect(grants).toBe(1);
  } finally {
    await store.close();
  }
});
