import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp-dir.js';

// The CLI on a shared Redis store, as a fleet's machines would run it: real processes, a real
// redis-server on a unix socket, a loopback server that sees what the requests carry.
const SECRET = 'sid-value-s3cr3t-0123456789';

let redis: RedisServer;
let server: EchoServer;
let dir: string;
test.beforeAll(async () => {
  [redis, server] = await Promise.all([startRedis(), startEchoServer()]);
});
test.afterAll(async () => {
  await Promise.all([redis?.stop(), server?.close()]);
});
test.beforeEach(() => {
  dir = tempDir('sj-cli-redis-');
  mkdirSync(join(dir, 'recordings'), { mode: 0o700 });
  const at = new Date().toISOString();
  const session = {
    version: 1,
    generator: 'sessionjar@0.1.0',
    name: 'app',
    createdAt: at,
    updatedAt: at,
    cookies: [{ name: 'sid', value: SECRET, domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false }],
    origins: [],
  };
  writeFileSync(join(dir, 'recordings', 'app.json'), JSON.stringify(session), { mode: 0o600 });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(dir, args, env);

test('push, then list, inspect, request (cookie sent, Set-Cookie written back), status and pull all on Redis; rm removes it there', async () => {
  const store = redis.url;
  const pushed = await cli(['push', 'app', '--store', store]);
  expect(pushed.stderr).toBe('');
  expect([pushed.status, pushed.stdout]).toEqual([0, `pushed recordings/app.json to ${store} sessionjar:{app}\n`]);
  // From here on nothing may come from the file.
  rmSync(join(dir, 'recordings', 'app.json'));

  const listed = await cli(['list', '--json'], { SESSIONJAR_STORE: store });
  expect(listed.status).toBe(0);
  expect((JSON.parse(listed.stdout) as { name: string }[]).map((e) => e.name)).toEqual(['app']);

  const inspected = await cli(['--store', store, 'inspect', 'app']);
  expect(inspected.status).toBe(0);
  expect(inspected.stdout).toContain('sid');
  expect(inspected.stdout).not.toContain(SECRET);

  // `--store` before the command word (the fast request path) and $SESSIONJAR_STORE alike.
  const first = await cli(['--store', store, 'request', 'app', `${server.origin}/set-cookie?fresh=v1`]);
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  expect((JSON.parse(first.stdout) as { headers: Record<string, string> }).headers.cookie).toBe(`sid=${SECRET}`);
  const second = await cli(['request', 'app', `${server.origin}/echo`], { SESSIONJAR_STORE: store });
  expect(second.status).toBe(0);
  expect((JSON.parse(second.stdout) as { headers: Record<string, string> }).headers.cookie).toBe(`sid=${SECRET}; fresh=v1`);

  const status = await cli(['status', 'app', '--json', '--store', store]);
  expect(status.stderr).toBe('');
  expect(JSON.parse(status.stdout)).toMatchObject({ name: 'app' });

  const pulled = await cli(['pull', 'app', '--store', store]);
  expect([pulled.status, pulled.stdout]).toEqual([0, `pulled ${store} sessionjar:{app} to recordings/app.json\n`]);
  const file = JSON.parse(readFileSync(join(dir, 'recordings', 'app.json'), 'utf8')) as { cookies: { name: string }[] };
  expect(file.cookies.map((c) => c.name)).toEqual(['sid', 'fresh']);

  const removed = await cli(['rm', 'app', '--store', store]);
  expect(removed.status).toBe(0);
  expect(JSON.parse((await cli(['list', '--json', '--store', store])).stdout)).toEqual([]);
  expect(existsSync(join(dir, 'recordings', 'app.json'))).toBe(true);
});

test('push does not replace a session already in the shared store without --force; pull likewise for a file', async () => {
  const store = redis.url;
  const env = { SESSIONJAR_STORE: store };
  expect((await cli(['push', 'app', '--json'], env)).status).toBe(0);
  const again = await cli(['push', 'app'], env);
  expect(again.status).toBe(5);
  expect(again.stderr).toContain(`${store} sessionjar:{app} already holds a session "app"`);
  expect(again.stderr).toContain('--force');
  expect((await cli(['push', 'app', '--force'], env)).status).toBe(0);
  const pull = await cli(['pull', 'app'], env);
  expect(pull.status).toBe(5);
  expect(pull.stderr).toContain('recordings/app.json already holds a session "app"');
  expect((await cli(['rm', 'app'], env)).status).toBe(0);
});

test('push without a shared store is a usage error; an unreachable one is IO_ERROR naming it', async () => {
  const none = await cli(['push', 'app']);
  expect(none.status).toBe(2);
  expect(none.stderr).toContain('push needs the shared store: give --store redis://host:6379/0');
  const down = await cli(['list', '--store', 'redis://127.0.0.1:1/0']);
  expect(down.status).toBe(6);
  expect(down.stderr).toContain('cannot connect to Redis at redis://127.0.0.1:1/0');
});

test('a database number the server does not have is reported as the server said, not as a server that is down', async () => {
  const url = redis.url.replace(/\?db=0$/, '?db=99');
  const out = await cli(['list', '--store', url]);
  expect(out.status).toBe(6);
  expect(out.stderr).toBe(
    `sessionjar: error [IO_ERROR]: Redis at ${url} refused the connection: ERR DB index is out of range. The database number in the --store URL (or $SESSIONJAR_STORE) is beyond the server's \`databases\` setting (16 by default: 0 to 15); use one in range.\n`,
  );
});
