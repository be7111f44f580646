import { expect, test, type BrowserContext } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportSession, importSession, type StorageState } from '../../src/session/convert/index.js';

// A real Chromium logs into a tiny loopback site, its storageState goes through a session file and
// back, and a fresh context loaded with the result is still logged in. *.sjtest.localhost resolves
// to loopback in Chromium, and gives a registrable domain for a Domain cookie.

const PAGE_APP = `<!doctype html><title>app</title><p id="who"></p><p id="token"></p><p id="idb"></p>
<script>
  fetch('/api/me').then(r => r.ok ? r.json() : { user: 'nobody' }).then(me => { document.querySelector('#who').textContent = me.user; });
  if (!localStorage.getItem('token')) localStorage.setItem('token', JSON.stringify({ access_token: 'at-' + Math.random().toString(36).slice(2) }));
  document.querySelector('#token').textContent = localStorage.getItem('token') ? 'token present' : 'no token';
  const open = indexedDB.open('app', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('prefs');
  open.onsuccess = () => {
    const tx = open.result.transaction('prefs', 'readwrite');
    const store = tx.objectStore('prefs');
    const get = store.get('ui');
    get.onsuccess = () => {
      if (!get.result) store.put({ theme: 'dark' }, 'ui');
      tx.oncomplete = () => { document.querySelector('#idb').textContent = 'idb ready'; };
    };
  };
</script>`;

const PAGE_LOGIN = `<!doctype html><title>login</title>
<form method="post" action="/login"><input id="user" name="user"><button type="submit">Sign in</button></form>`;

let server: Server;
let origin: string;
let api: string;
const sessions = new Map<string, string>();
const apiCookies: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const cookies = Object.fromEntries((req.headers.cookie ?? '').split(/;\s*/).filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    const host = (req.headers.host ?? '').split(':')[0];
    if (host === 'api.sjtest.localhost') {
      apiCookies.push(req.headers.cookie ?? '');
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }).end('ok');
      return;
    }
    if (req.url === '/login' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const sid = randomBytes(12).toString('hex');
        sessions.set(sid, new URLSearchParams(body).get('user') ?? '');
        res.writeHead(303, {
          location: '/app',
          'set-cookie': [
            `sid=${sid}; Path=/; HttpOnly; SameSite=Strict`,
            'prefs=theme=dark&lang=en; Domain=sjtest.localhost; Path=/; Max-Age=3600',
            'remember="r1=="; Path=/; Max-Age=86400; SameSite=Lax',
          ],
        });
        res.end();
      });
      return;
    }
    if (req.url === '/login') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE_LOGIN);
    if (req.url === '/app') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE_APP);
    if (req.url === '/api/me') {
      const user = sessions.get(cookies.sid ?? '');
      return void res.writeHead(user ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(user ? { user } : { error: 'login' }));
    }
    res.writeHead(404).end();
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  origin = `http://www.sjtest.localhost:${port}`;
  api = `http://api.sjtest.localhost:${port}`;
});
test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const normalise = (state: StorageState) => ({
  cookies: [...state.cookies].sort((a, b) => a.name.localeCompare(b.name)),
  origins: [...state.origins].sort((a, b) => a.origin.localeCompare(b.origin)),
});

async function showApp(context: BrowserContext) {
  const page = await context.newPage();
  await page.goto(`${origin}/app`);
  await expect(page.locator('#idb')).toHaveText('idb ready');
  await page.evaluate((url) => fetch(url, { credentials: 'include', mode: 'no-cors' }), `${api}/`);
  return page;
}

test('a storageState from a real Chromium login imports, exports back equivalent, and stays logged in', async ({ browser }) => {
  const first = await browser.newContext();
  const login = await first.newPage();
  await login.goto(`${origin}/login`);
  await login.fill('#user', 'alice');
  await login.click('button[type=submit]');
  await expect(login.locator('#who')).toHaveText('alice');
  await showApp(first);
  const state = (await first.storageState({ indexedDB: true })) as StorageState;
  await first.close();

  const byName = Object.fromEntries(state.cookies.map((c) => [c.name, c]));
  expect(byName.sid).toMatchObject({ domain: 'www.sjtest.localhost', expires: -1, httpOnly: true, sameSite: 'Strict' });
  expect(byName.prefs?.domain).toBe('.sjtest.localhost');

  const imported = importSession(JSON.stringify(state), { name: 'chromium', file: 'state.json' });
  expect(imported.report.lost).toEqual([]);
  const session = imported.result;
  expect(session.cookies.find((c) => c.name === 'sid')).toMatchObject({ domain: 'www.sjtest.localhost', hostOnly: true, expires: null, httpOnly: true, sameSite: 'Strict' });
  expect(session.cookies.find((c) => c.name === 'prefs')).toMatchObject({ domain: 'sjtest.localhost', hostOnly: false, value: 'theme=dark&lang=en' });
  expect(session.origins.find((o) => o.origin === origin)?.indexedDB?.[0]?.name).toBe('app');

  const exported = exportSession(session, 'playwright');
  expect(exported.report.lost).toEqual([]);
  const back = JSON.parse(exported.result) as StorageState;
  expect(normalise(back)).toEqual(normalise(state));

  apiCookies.length = 0;
  const second = await browser.newContext({ storageState: back });
  const page = await showApp(second);
  await expect(page.locator('#who')).toHaveText('alice');
  await expect(page.locator('#token')).toHaveText('token present');
  // The Domain cookie reaches the API subdomain; the host-only ones do not.
  await expect.poll(() => apiCookies.length).toBeGreaterThan(0);
  expect(apiCookies[0]).toBe('prefs=theme=dark&lang=en');
  // The restored context holds the same state (host-only stayed host-only, IndexedDB came back).
  expect(normalise((await second.storageState({ indexedDB: true })) as StorageState)).toEqual(normalise(state));
  await second.close();
});
