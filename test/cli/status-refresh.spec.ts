import { expect, test } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSession } from '../../src/session/new-session.js';
import type { Cookie, Session } from '../../src/session/schema/index.js';
import { FileStore } from '../../src/store/file-store.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { runCli } from '../helpers/cli.js';

// The real binary (npm run build first).

let root: string;
let store: FileStore;
let server: TestServer | undefined;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-cli-status-'));
  store = new FileStore({ dir: join(root, 'recordings') });
});
test.afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(root, args);

const nowS = () => Math.floor(Date.now() / 1000);
const sid = (expires: number | null, value = 'v1'): Cookie => ({ name: 'sid', value, domain: 'app.example', hostOnly: true, path: '/', expires, httpOnly: true, secure: false });
const withSid = (name: string, expires: number | null, extra: Partial<Session> = {}): Session => ({ ...newSession(name), cookies: [sid(expires)], ...extra });

test('status: the exit status tells the state (0 valid, 16 expiring, 10 expired, 15 unknown, 3 missing)', async () => {
  await store.save('fresh', withSid('fresh', nowS() + 3600));
  await store.save('soon', withSid('soon', nowS() + 30));
  await store.save('old', withSid('old', nowS() - 120));
  await store.save('plain', withSid('plain', null));
  const fresh = await cli(['status', 'fresh']);
  expect(fresh.status).toBe(0);
  expect(fresh.stdout).toMatch(/^fresh: valid, expires \d{4}-\d\d-\d\dT[\d:.]+Z \(in (59m \d+s|1h 0m)\), from cookie "sid" \(app\.example\)\n$/);
  expect((await cli(['status', 'soon'])).status).toBe(16);
  expect((await cli(['status', 'soon', '--margin', '10'])).status).toBe(0);
  const old = await cli(['status', 'old']);
  expect(old.status).toBe(10);
  expect(old.stdout).toMatch(/^old: expired \S+ \(2m \d+s ago\), from cookie "sid" \(app\.example\)\n$/);
  expect(await cli(['status', 'plain'])).toEqual({
    status: 15,
    stdout: 'plain: unknown (nothing in the session says when it expires: session cookies or opaque tokens; check with --probe)\n',
    stderr: '',
  });
  const missing = await cli(['status', 'nope']);
  expect(missing.status).toBe(3);
  expect(missing.stderr).toContain('sessionjar: error [SESSION_NOT_FOUND]: no session named "nope"');
});

test('status --json gives the state, the time and what decided', async () => {
  const at = nowS() + 600;
  await store.save('fresh', withSid('fresh', at));
  const { status, stdout } = await cli(['status', 'fresh', '--json']);
  expect(status).toBe(0);
  expect(JSON.parse(stdout)).toEqual({
    name: 'fresh',
    location: 'recordings/fresh.json',
    state: 'valid',
    expiresAt: new Date(at * 1000).toISOString(),
    expiresInSeconds: expect.any(Number),
    source: 'cookie "sid" (app.example)',
  });
});

test('status --probe asks the server: a logged-out answer means expired whatever the clock says', async () => {
  let accept = true;
  server = await startHttpServer((_req, res) => {
    res.statusCode = accept ? 200 : 401;
    res.end(accept ? '{"user":"u"}' : '{"error":"login"}');
  });
  const probe = { url: `${server.origin}/api/me`, method: 'GET' as const, expect: { jsonPath: 'user' } };
  await store.save('live', withSid('live', null, { login: { url: `${server.origin}/login`, env: [], probe } }));
  const ok = await cli(['status', 'live', '--probe']);
  expect(ok.status).toBe(0);
  expect(ok.stdout).toContain(`probe GET ${server.origin}/api/me: passed, status 200\n`);
  accept = false;
  const gone = await cli(['status', 'live', '--probe']);
  expect(gone.status).toBe(10);
  expect(gone.stdout).toBe(
    `live: expired, from probe GET ${server.origin}/api/me answered as logged out (status 401)\nprobe GET ${server.origin}/api/me: failed, answered as logged out (status 401)\n`,
  );
  await store.save('noprobe', withSid('noprobe', null));
  const usage = await cli(['status', 'noprobe', '--probe']);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toBe(
    'sessionjar: error [USAGE]: --probe: session "noprobe" has no probe URL (login.probe in recordings/noprobe.json). Add one with `sessionjar edit noprobe --login-url <url> --probe <url>` (a URL that answers 2xx only when logged in), or run `sessionjar status noprobe` without --probe.\n',
  );
  // The advice, followed, works.
  expect((await cli(['edit', 'noprobe', '--login-url', `${server.origin}/login`, '--probe', `${server.origin}/api/me`])).status).toBe(0);
  accept = true;
  expect((await cli(['status', 'noprobe', '--probe'])).status).toBe(0);
  await store.save('byhand', withSid('byhand', null, { login: { url: `${server.origin}/login`, env: [] } }));
  expect((await cli(['status', 'byhand', '--probe'])).stderr).toContain('Add one with `sessionjar edit byhand --probe <url>`');
});

test('list shows the state of every session', async () => {
  await store.save('a', withSid('a', nowS() + 3600));
  await store.save('b', withSid('b', nowS() - 5));
  const { stdout } = await cli(['list']);
  expect(stdout).toMatch(/^a\tvalid\t1 cookie\tupdated \S+\nb\texpired\t1 cookie\tupdated \S+\n$/);
  expect(JSON.parse((await cli(['list', '--json'])).stdout).map((e: { state: string }) => e.state)).toEqual(['valid', 'expired']);
});

test('refresh --if-needed leaves a valid session alone; an expired one that nothing can refresh exits 10 and names the command', async () => {
  await store.save('fresh', withSid('fresh', nowS() + 3600));
  const text = await readFile(join(root, 'recordings', 'fresh.json'), 'utf8');
  const skip = await cli(['refresh', 'fresh', '--if-needed']);
  expect(skip.status).toBe(0);
  expect(skip.stdout).toMatch(/^fresh: valid, expires \S+ \(in .+\), from cookie "sid" \(app\.example\); nothing to do\n$/);
  expect(await readFile(join(root, 'recordings', 'fresh.json'), 'utf8')).toBe(text);

  await store.save('old', withSid('old', nowS() - 5, { login: { url: 'https://app.example/login', env: [] } }));
  const failed = await cli(['refresh', 'old', '--if-needed', '--json']);
  expect(failed.status).toBe(10);
  const error = JSON.parse(failed.stderr).error;
  expect(error.code).toBe('SESSION_EXPIRED');
  expect(error.message).toContain('`sessionjar record old --url https://app.example/login --force`');
});
