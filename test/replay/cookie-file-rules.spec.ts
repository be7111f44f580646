import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../../src/replay/client.js';
import { SessionCookieJar } from '../../src/replay/jar.js';
import type { Cookie } from '../../src/session/schema/index.js';
import { FileStore } from '../../src/store/file-store.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { cookie, sessionWith } from './fixtures.js';

// Issue 16: the jar took cookies the session file refuses (DEL in a value, say); the next write-back
// then failed as a whole (SESSION_INVALID at cookies[n].value) and the good cookies set with it were lost.

let server: TestServer;
let dir: string;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => res.end(req.headers.cookie ?? ''));
});
test.afterAll(() => server.close());
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sj-cookie-file-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a cookie the session file would refuse is dropped on the way in; the good ones are written back', async () => {
  const store = new FileStore({ dir });
  await store.save('app', { ...sessionWith([cookie('sid', 'recorded', '127.0.0.1')]), name: 'app' });
  const session = await openSession('app', { store });
  const url = `${server.origin}/`;
  session.cookies.set('bad=b\x7fc; Path=/', url);
  session.cookies.set('bad\x7fname=1; Path=/', url);
  session.cookies.set('badpath=1; Path=/x\x7f', `${server.origin}/x\x7f`);
  session.cookies.set('good=1; Path=/', url);
  expect(session.cookies.list().map((c) => c.name).sort()).toEqual(['good', 'sid']);
  await session.close();

  const saved = (JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { cookies: Cookie[] }).cookies;
  expect(saved.map((c) => [c.name, c.value]).sort()).toEqual([
    ['good', '1'],
    ['sid', 'recorded'],
  ]);
  const again = await openSession('app', { store });
  expect(await (await again.request(url)).body.text()).toBe('sid=recorded; good=1');
  await again.close();
});

test('a refused cookie is reported, also when it rotates the value of a stored one', () => {
  const jar = new SessionCookieJar();
  const refused: string[] = [];
  const note = (name: string, why: string) => refused.push(`${name}: ${why}`);
  const url = new URL('https://app.example.com/');
  jar.storeSetCookies('sid=1; Path=/', url, note);
  jar.storeSetCookies('sid=2; Path=/', url, note);
  jar.storeSetCookies(['sid=b\x7fc; Path=/', 'other=x\x7f'], url, note);
  expect(refused).toEqual([
    'sid: its value holds a control character, which the session file refuses',
    'other: its value holds a control character, which the session file refuses',
  ]);
  expect(jar.cookieHeader(url)).toBe('sid=2');
  expect(jar.takeChanges()?.set.map((c) => c.value)).toEqual(['2']);
});
