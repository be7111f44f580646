import { expect, test } from '@playwright/test';
import { serveSession } from '../../src/index.js';
import { openSessionFrom } from '../../src/replay/client.js';
import { FileStore } from '../../src/store/file-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cookie, sessionWith } from '../replay/fixtures.js';
import { startTarget, type Target } from './target.js';

// serveSession in a Node program: the same gateway, embedded.
let target: Target;
test.beforeEach(async () => {
  target = await startTarget();
});
test.afterEach(() => target.close());

test('a client you opened: requests go through it; close() leaves it open, its cookies flushed', async () => {
  const store = new FileStore({ dir: tempDir('sj-serve-lib-') });
  await store.save('app', sessionWith([cookie('sid', 'lib-sid', '127.0.0.1')], { name: 'app' }));
  const client = await openSessionFrom(await store.load('app'), { store });
  const gateway = await serveSession(client, { targets: [target.origin] });
  const { url } = gateway.urls[0] as { url: string };
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${url}/me`, { headers: { [gateway.tokenHeader]: gateway.token as string } });
  expect(await res.json()).toMatchObject({ user: 'u', cookie: 'sid=lib-sid' });
  await gateway.close();
  expect((await store.load('app')).cookies.find((c) => c.name === 'rot')?.value).toBe('1');
  // Still the caller's client: it goes on working, with the cookie the gateway's request got.
  const direct = await client.request(`${target.origin}/me`);
  expect(await direct.body.json()).toMatchObject({ cookie: 'sid=lib-sid; rot=1' });
  await client.close();
});

test('by name: the gateway opens the session and a refused bind says why', async () => {
  const store = new FileStore({ dir: tempDir('sj-serve-lib-') });
  await store.save('app', sessionWith([cookie('sid', 'lib-sid', '127.0.0.1')], { name: 'app' }));
  await expect(serveSession('app', { targets: [target.origin], host: '0.0.0.0', token: false, client: { store } })).rejects.toThrow(
    '--no-token: refused on 0.0.0.0, which is not loopback',
  );
  await expect(serveSession('app', { targets: [`${target.origin}/path`], client: { store } })).rejects.toThrow('is not an origin');
  const gateway = await serveSession('app', { targets: [target.origin], token: false, client: { store } });
  const res = await fetch(`${(gateway.urls[0] as { url: string }).url}/me`);
  expect(res.status).toBe(200);
  await gateway.close();
});
