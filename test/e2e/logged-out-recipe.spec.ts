import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordSession } from '../../src/record/record.js';
import { createRefresher } from '../../src/refresh/refresher.js';
import { openSession } from '../../src/replay/client.js';
import { parseSession } from '../../src/session/schema/index.js';
import { FileStore } from '../../src/store/file-store.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

// Like many apps, this one answers an expired session with 200 and its sign-in page: no status or
// redirect tells, only the body, so the recipe declares it with loggedOut.bodyRegex.
const SIGN_IN = '<h1>Please sign in</h1><form method="post" action="/login"><input id="username" name="username"><input id="password" name="password" type="password"><button type="submit">Sign in</button></form>';

let server: TestServer;
let dir: string;
const sessions = new Set<string>();
let logins = 0;

test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sj-logged-out-'));
  sessions.clear();
  logins = 0;
  server = await startHttpServer((req, res) => {
    const sid = /(?:^|; )sid=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
    if (req.method === 'POST' && req.url === '/login') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        const fields = new URLSearchParams(body);
        if (fields.get('username') !== 'ann' || fields.get('password') !== 'secret-pw') {
          res.writeHead(200, { 'content-type': 'text/html' }).end(SIGN_IN);
          return;
        }
        const fresh = randomBytes(8).toString('hex');
        sessions.add(fresh);
        logins++;
        res.writeHead(303, { location: '/account', 'set-cookie': `sid=${fresh}; Path=/; HttpOnly` }).end();
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(sid && sessions.has(sid) ? '<h1 data-user="ann">Account of ann</h1>' : SIGN_IN);
  });
});
test.afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('a recipe\'s loggedOut is kept in the session, and a 200 sign-in page then triggers the refresh', async () => {
  const store = new FileStore({ dir: join(dir, 'sessions') });
  const env = { ...process.env, APP_USER: 'ann', APP_PASSWORD: 'secret-pw' };
  const recipe = join(dir, 'recipe.json');
  await writeFile(
    recipe,
    JSON.stringify({
      steps: [{ fill: '#username', value: '${env:APP_USER}' }, { fill: '#password', value: '${env:APP_PASSWORD}' }, { click: 'button[type=submit]' }],
      success: { selector: '[data-user]' },
      loggedOut: { bodyRegex: 'Please sign in' },
    }),
  );
  await recordSession({ name: 'app', url: `${server.origin}/login`, recipe, env, store });
  const file = join(dir, 'sessions', 'app.json');
  const session = parseSession(await readFile(file, 'utf8'), { file });
  expect(session.login?.loggedOut).toEqual({ statuses: [401, 419, 440], redirectTo: [], bodyRegex: 'Please sign in' });
  expect(logins).toBe(1);

  sessions.clear();
  const events: string[] = [];
  const client = await openSession('app', {
    store,
    refresher: createRefresher({ store, name: 'app', env, interactive: false }),
    onEvent: (e) => e.type === 'refresh' && events.push(e.reason),
  });
  try {
    const res = await client.request(`${server.origin}/account`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.body.text()).toContain('Account of ann');
  } finally {
    await client.close();
  }
  expect(events).toEqual(['logged-out']);
  expect(logins).toBe(2);
});
