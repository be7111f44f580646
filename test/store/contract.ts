import { expect, test } from '@playwright/test';
import { isSessionjarError } from '../../src/core/errors.js';
import { cookieKey, mergeCookies, mergeWriteBack } from '../../src/session/merge.js';
import { newSession } from '../../src/session/new-session.js';
import type { Cookie, Session } from '../../src/session/schema/index.js';
import type { SessionStore } from '../../src/store/types.js';

export interface StoreFixture {
  store: SessionStore;
  dispose(): Promise<void>;
}

export function cookie(name: string, value: string, extra: Partial<Cookie> = {}): Cookie {
  return { name, value, domain: 'example.com', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: true, ...extra };
}

export function sampleSession(name: string): Session {
  return {
    ...newSession(name, new Date('2026-01-02T03:04:05.000Z')),
    cookies: [cookie('sid', 's3cr3t'), cookie('pref', 'dark', { domain: 'api.example.com', expires: 4102444800, sameSite: 'Lax' })],
    origins: [{ origin: 'https://example.com', localStorage: { token: 'abc' }, sessionStorage: {} }],
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isSessionjarError(error) ? error.code : `not a SessionjarError: ${String(error)}`;
  }
}

/** The behaviour every SessionStore shares; each implementation's spec file runs it. */
export function storeContract(label: string, makeFixture: () => Promise<StoreFixture>): void {
  test.describe(`${label} (store contract)`, () => {
    let fixture: StoreFixture;
    test.beforeEach(async () => {
      fixture = await makeFixture();
    });
    test.afterEach(async () => {
      await fixture.dispose();
    });

    test('save then load returns the same session', async () => {
      const session = sampleSession('github');
      await fixture.store.save('github', session);
      expect(await fixture.store.load('github')).toEqual(session);
    });

    test('a loaded session is a copy: mutating it changes nothing stored', async () => {
      await fixture.store.save('github', sampleSession('github'));
      const loaded = await fixture.store.load('github');
      loaded.cookies[0]!.value = 'changed';
      expect((await fixture.store.load('github')).cookies[0]!.value).toBe('s3cr3t');
    });

    test('load of a missing session is SESSION_NOT_FOUND', async () => {
      expect(await codeOf(fixture.store.load('nope'))).toBe('SESSION_NOT_FOUND');
    });

    test('save refuses an invalid session and stores nothing', async () => {
      const bad = { ...sampleSession('x'), cookies: [{ name: 'a' }] } as unknown as Session;
      expect(await codeOf(fixture.store.save('x', bad))).toBe('SESSION_INVALID');
      expect(await fixture.store.exists('x')).toBe(false);
    });

    test('an invalid name is a USAGE error', async () => {
      expect(await codeOf(fixture.store.load('no spaces'))).toBe('USAGE');
      expect(await codeOf(fixture.store.save('-dash', sampleSession('x')))).toBe('USAGE');
    });

    test('list returns every session sorted by name', async () => {
      expect(await fixture.store.list()).toEqual([]);
      for (const name of ['zeta', 'alpha', 'mid.dle_1']) await fixture.store.save(name, sampleSession(name));
      const entries = await fixture.store.list();
      expect(entries.map((e) => e.name)).toEqual(['alpha', 'mid.dle_1', 'zeta']);
      expect(entries.every((e) => e.session?.name === e.name && e.error === undefined)).toBe(true);
      expect(entries[0]!.location).toBe(fixture.store.locate('alpha'));
    });

    test('exists and delete', async () => {
      await fixture.store.save('github', sampleSession('github'));
      expect(await fixture.store.exists('github')).toBe(true);
      expect(await fixture.store.delete('github')).toBe(true);
      expect(await fixture.store.exists('github')).toBe(false);
      expect(await fixture.store.delete('github')).toBe(false);
      expect(await codeOf(fixture.store.load('github'))).toBe('SESSION_NOT_FOUND');
    });

    test('update reads the current session, stores the result and stamps updatedAt', async () => {
      await fixture.store.save('github', sampleSession('github'));
      const result = await fixture.store.update('github', (s) => ({ ...s, cookies: [...s.cookies, cookie('new', 'v')] }));
      expect(result.cookies.map((c) => c.name)).toEqual(['sid', 'pref', 'new']);
      expect(result.updatedAt > '2026-01-02T03:04:05.000Z').toBe(true);
      expect(await fixture.store.load('github')).toEqual(result);
    });

    test('update of a missing session is SESSION_NOT_FOUND and creates nothing', async () => {
      expect(await codeOf(fixture.store.update('nope', (s) => s))).toBe('SESSION_NOT_FOUND');
      expect(await fixture.store.exists('nope')).toBe(false);
    });

    test('a failing update function leaves the session as it was', async () => {
      await fixture.store.save('github', sampleSession('github'));
      await expect(fixture.store.update('github', () => { throw new Error('boom'); })).rejects.toThrow('boom');
      expect(await fixture.store.load('github')).toEqual(sampleSession('github'));
    });

    test('concurrent updates serialise: none is lost', async () => {
      await fixture.store.save('github', { ...sampleSession('github'), cookies: [] });
      const count = 20;
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          fixture.store.update('github', async (s) => {
            // Yield between read and write, where an unserialised store would interleave.
            await new Promise((r) => setTimeout(r, 1));
            return { ...s, cookies: mergeCookies(s.cookies, { set: [cookie(`c${i}`, String(i), { setAt: Date.now() })], removed: [] }) };
          }),
        ),
      );
      const names = (await fixture.store.load('github')).cookies.map((c) => c.name).sort();
      expect(names).toEqual(Array.from({ length: count }, (_, i) => `c${i}`).sort());
    });

    test('the login generation is stored as update returns it; a write-back from an older one does not undo the newer login', async () => {
      const t = Date.now();
      await fixture.store.save('github', { ...sampleSession('github'), cookies: [cookie('sid', 'old', { setAt: t }), cookie('pref', 'dark', { setAt: t })] });
      expect((await fixture.store.load('github')).generation).toBeUndefined();
      // Another process's refresh commits a new login…
      const login = await fixture.store.update('github', (s) => ({
        ...s,
        generation: (s.generation ?? 0) + 1,
        cookies: mergeCookies(s.cookies, { set: [cookie('sid', 'new', { setAt: t + 1 })], removed: [] }),
      }));
      expect(login.generation).toBe(1);
      // …then a process still on generation 0 writes back what the old login's answers did: its
      // 401 cleared sid, another rotated pref, a third set a cookie the file does not have.
      const stale = { set: [cookie('pref', 'light', { setAt: t + 2 }), cookie('seen', '1', { setAt: t + 2 })], removed: [{ key: cookieKey(cookie('sid', '')), at: t + 2 }] };
      await fixture.store.update('github', (s) => mergeWriteBack(s, stale, 0));
      const after = await fixture.store.load('github');
      expect(after.generation).toBe(1);
      expect(Object.fromEntries(after.cookies.map((c) => [c.name, c.value]))).toEqual({ sid: 'new', pref: 'dark', seen: '1' });
      // Under the file's generation a write-back merges newest-wins as ever.
      await fixture.store.update('github', (s) => mergeWriteBack(s, { set: [cookie('sid', 'rotated', { setAt: t + 3 })], removed: [] }, 1));
      const rotated = await fixture.store.load('github');
      expect(rotated.cookies.find((c) => c.name === 'sid')?.value).toBe('rotated');
      expect(rotated.generation).toBe(1);
      expect((await fixture.store.list()).map((e) => e.session?.generation)).toEqual([1]);
    });

    test('withLock runs holders of one scope one at a time', async () => {
      const events: string[] = [];
      const holder = (id: string) => async () => {
        events.push(`start ${id}`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`end ${id}`);
        return id;
      };
      const results = await Promise.all([
        fixture.store.withLock('github', 'refresh', holder('a')),
        fixture.store.withLock('github', 'refresh', holder('b')),
      ]);
      expect(results).toEqual(['a', 'b']);
      expect(events.slice(0, 2)).toEqual([events[0], events[0]!.replace('start', 'end')]);
    });

    test('a withLock scope does not block update', async () => {
      await fixture.store.save('github', sampleSession('github'));
      const updated = await fixture.store.withLock('github', 'refresh', () =>
        fixture.store.update('github', (s) => ({ ...s, cookies: [] })),
      );
      expect(updated.cookies).toEqual([]);
    });
  });
}
