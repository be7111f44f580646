import { expect, test } from '@playwright/test';
import { createClient } from '@redis/client';
import { SessionjarError, isSessionjarError } from '../../src/core/errors.js';
import { mergeCookies } from '../../src/session/merge.js';
import { fixedKeyProvider } from '../../src/store/keys.js';
import { openStore } from '../../src/store/open-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { cookie, sampleSession, storeContract } from './contract.js';

let redis: RedisServer;
let fixtures = 0;
test.beforeAll(async () => {
  redis = await startRedis();
});
test.afterAll(async () => {
  await redis?.stop();
});

/** A store on the shared server under a prefix of its own, so tests see only their own sessions. */
function storeOf(prefix: string, options: Partial<ConstructorParameters<typeof RedisStore>[0]> = {}): RedisStore {
  return new RedisStore({ url: redis.url, prefix, keys: null, ...options });
}

storeContract('RedisStore', async () => {
  const store = storeOf(`contract${++fixtures}:`);
  return { store, dispose: () => store.close() };
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isSessionjarError(error) ? error.code : `not a SessionjarError: ${String(error)}`;
  }
}

const rawClient = () => createClient({ url: redis.url, RESP: 2 });

/** A plain client on the same server, to look at what the store wrote. */
async function raw<T>(fn: (client: ReturnType<typeof rawClient>) => Promise<T>): Promise<T> {
  const client = rawClient();
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

test.describe('RedisStore', () => {
  test('two writers on one version: the later one conflicts, is retried on the newer session, nothing is lost', async () => {
    // Two stores are two connections, as two processes would have.
    const [a, b] = [storeOf('race:'), storeOf('race:')];
    try {
      await a.save('github', { ...sampleSession('github'), cookies: [] });
      const seen: string[][] = [];
      const result = await a.update('github', async (s) => {
        seen.push(s.cookies.map((c) => c.name));
        // B writes after A read: A's first compare-and-set must fail.
        if (seen.length === 1) await b.update('github', (t) => ({ ...t, cookies: mergeCookies(t.cookies, { set: [cookie('b', '1')], removed: [] }) }));
        return { ...s, cookies: mergeCookies(s.cookies, { set: [cookie('a', '1')], removed: [] }) };
      });
      expect(seen).toEqual([[], ['b']]);
      expect(result.cookies.map((c) => c.name).sort()).toEqual(['a', 'b']);
      expect((await b.load('github')).cookies.map((c) => c.name).sort()).toEqual(['a', 'b']);
      expect(await raw((c) => c.hGet('race:{github}', 'version'))).toBe('3');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('every key of a session carries its hash tag {name}, and the document is the text a session file would hold', async () => {
    const store = storeOf('tags:');
    try {
      await store.save('github', sampleSession('github'));
      const during = await store.withLock('github', 'refresh', () => raw((c) => c.keys('tags:*')));
      expect(during.sort()).toEqual(['tags:{github}', 'tags:{github}:lock:refresh']);
      expect(await raw((c) => c.keys('tags:*'))).toEqual(['tags:{github}']);
      const doc = JSON.parse((await raw((c) => c.hGet('tags:{github}', 'doc'))) as string);
      expect(doc).toMatchObject({ version: 1, name: 'github', cookies: [{ name: 'sid', value: 's3cr3t' }, { name: 'pref' }] });
      expect(store.locate('github')).toBe(`${redis.url} tags:{github}`);
    } finally {
      await store.close();
    }
  });

  test('an encrypted session stays encrypted in Redis: the stored envelope holds no secret, updates keep it sealed', async () => {
    const keys = fixedKeyProvider({ passphrase: 'correct horse battery staple' });
    const store = storeOf('enc:', { keys });
    const keyless = storeOf('enc:');
    try {
      await store.save('github', sampleSession('github'), { encrypt: true });
      await store.update('github', (s) => ({ ...s, cookies: [...s.cookies, cookie('added', 'v4lue')] }));
      const stored = (await raw((c) => c.hGet('enc:{github}', 'doc'))) as string;
      expect(JSON.parse(stored)).toMatchObject({ encrypted: expect.anything() });
      expect(stored).not.toContain('s3cr3t');
      expect(stored).not.toContain('v4lue');
      expect(await store.isEncrypted('github')).toBe(true);
      expect((await store.load('github')).cookies.map((c) => c.value)).toEqual(['s3cr3t', 'dark', 'v4lue']);
      expect(await codeOf(keyless.load('github'))).toBe('PASSPHRASE_REQUIRED');
      expect(await store.setEncryption('github', false)).toBe(true);
      expect(await raw((c) => c.hGet('enc:{github}', 'doc'))).toContain('s3cr3t');
    } finally {
      await Promise.all([store.close(), keyless.close()]);
    }
  });

  test('a write inside withLock is refused once the lock is no longer ours (fencing); the session stored stays', async () => {
    const [holder, other] = [storeOf('fence:'), storeOf('fence:')];
    try {
      await holder.save('github', sampleSession('github'));
      const error = await holder
        .withLock('github', 'refresh', async () => {
          // As if this holder had been paused past the TTL and another process took the lock and logged in.
          await raw((c) => c.set('fence:{github}:lock:refresh', 'someone-else'));
          await other.update('github', (s) => ({ ...s, generation: 1, cookies: [cookie('sid', 'winner')] }));
          return holder.update('github', (s) => ({ ...s, generation: 2, cookies: [cookie('sid', 'stale')] }));
        })
        .catch((e: unknown) => e);
      expect(isSessionjarError(error, 'LOCK_TIMEOUT')).toBe(true);
      expect((error as Error).message).toContain('lost its lock');
      const after = await other.load('github');
      expect([after.generation, after.cookies[0]?.value]).toEqual([1, 'winner']);
      // Its compare-and-delete left the other process's lock in place.
      expect(await raw((c) => c.get('fence:{github}:lock:refresh'))).toBe('someone-else');
    } finally {
      await Promise.all([holder.close(), other.close()]);
    }
  });

  test('a lock left by a crashed holder is taken once its TTL runs out', async () => {
    const store = storeOf('crash:');
    try {
      await raw((c) => c.set('crash:{github}:lock:refresh', 'dead-process', { expiration: { type: 'PX', value: 400 } }));
      const started = Date.now();
      expect(await store.withLock('github', 'refresh', async () => 'mine')).toBe('mine');
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(await raw((c) => c.exists('crash:{github}:lock:refresh'))).toBe(0);
    } finally {
      await store.close();
    }
  });

  test('a held lock outlives its TTL while its holder runs (heartbeat)', async () => {
    const [holder, waiter] = [storeOf('beat:', { lockTtlMs: 300 }), storeOf('beat:', { lockTtlMs: 300, lockTimeoutMs: 500 })];
    try {
      let inside = false;
      const held = holder.withLock('github', 'refresh', async () => {
        inside = true;
        await new Promise((r) => setTimeout(r, 1200));
        return 'done';
      });
      await expect.poll(() => inside).toBe(true);
      expect(await codeOf(waiter.withLock('github', 'refresh', async () => 'stolen'))).toBe('LOCK_TIMEOUT');
      expect(await held).toBe('done');
    } finally {
      await Promise.all([holder.close(), waiter.close()]);
    }
  });

  test('a failed login inside withLock is shared for the cool-down, until the session changes; other errors are not', async () => {
    const [a, b] = [storeOf('cool:'), storeOf('cool:')];
    try {
      await a.save('github', sampleSession('github'));
      const failing = () => Promise.reject(new SessionjarError('REFRESH_FAILED', 'refresh of session "github" failed: the token endpoint answered 400'));
      expect(await codeOf(a.withLock('github', 'refresh', failing))).toBe('REFRESH_FAILED');
      let ran = 0;
      const error = await b.withLock('github', 'refresh', async () => void ran++).catch((e: unknown) => e);
      expect([isSessionjarError(error, 'REFRESH_FAILED'), ran]).toEqual([true, 0]);
      expect((error as Error).message).toMatch(/^refresh of session "github" failed: the token endpoint answered 400\n\(Another process met this \d+ s ago; no process tries again for \d+ s more/);
      // A fresh login pushed (any write) ends the cool-down.
      await a.update('github', (s) => ({ ...s, generation: 1 }));
      await b.withLock('github', 'refresh', async () => void ran++);
      expect(ran).toBe(1);
      // A holder's own trouble (a bug, a network error) is not the fleet's.
      expect(await codeOf(a.withLock('github', 'refresh', () => Promise.reject(new Error('boom'))))).toBe('not a SessionjarError: Error: boom');
      await b.withLock('github', 'refresh', async () => void ran++);
      expect(ran).toBe(2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a store reconnects by itself after Redis restarts; meanwhile commands fail with IO_ERROR, and the loss is told once', async () => {
    const own = await startRedis();
    const warnings: string[] = [];
    const store = new RedisStore({ url: own.url, keys: null, commandTimeoutMs: 500, onWarning: (m) => warnings.push(m) });
    let again: RedisServer | undefined;
    try {
      await store.save('github', sampleSession('github'));
      await own.stop();
      expect(await codeOf(store.load('github'))).toBe('IO_ERROR');
      again = await startRedis([], own.dir);
      // No persistence: the session is gone, but the same store object works again.
      await expect.poll(() => codeOf(store.load('github')), { timeout: 10_000 }).toBe('SESSION_NOT_FOUND');
      await store.save('github', sampleSession('github'));
      expect((await store.load('github')).name).toBe('github');
      expect(warnings).toEqual([expect.stringMatching(/^lost the connection to Redis at unix:\/\/.*; reconnecting$/)]);
    } finally {
      await store.close().catch(() => undefined);
      await again?.stop();
    }
  });

  test('a command Redis does not answer in time fails with IO_ERROR naming the server', async () => {
    const store = storeOf('slow:', { commandTimeoutMs: 300 });
    try {
      await store.connect();
      // Redis holds every other client's commands unanswered for 2 s.
      await raw((c) => c.sendCommand(['CLIENT', 'PAUSE', '2000', 'ALL']));
      const started = Date.now();
      const error = await store.load('github').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(isSessionjarError(error, 'IO_ERROR')).toBe(true);
      expect((error as Error).message).toContain(`Redis at ${redis.url}`);
    } finally {
      await raw((c) => c.sendCommand(['CLIENT', 'UNPAUSE']));
      await store.close();
    }
  });
});

test.describe('openStore', () => {
  test('an unreachable server is IO_ERROR naming it and the next step, within the connect timeout', async () => {
    const error = await openStore('redis://user:hunter2@127.0.0.1:1/0', { connectTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(isSessionjarError(error, 'IO_ERROR')).toBe(true);
    expect((error as Error).message).toMatch(/^cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0 \(.*ECONNREFUSED.*\)\. Check the --store URL/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('a bad URL is a USAGE error; a folder path is the file store', async () => {
    expect(await codeOf(openStore('redis://host/notanumber'))).toBe('USAGE');
    expect(await codeOf(openStore('unix:///'))).toBe('USAGE');
    const files = await openStore('some/folder');
    expect(files.locate('github')).toBe('some/folder/github.json');
    await files.close();
  });

  test('a Redis that may evict keys is refused with the policy and the fix', async () => {
    const evicting = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    try {
      const error = await openStore(evicting.url).catch((e: unknown) => e);
      expect(isSessionjarError(error, 'IO_ERROR')).toBe(true);
      expect((error as Error).message).toContain('has maxmemory-policy "allkeys-lru"');
      expect((error as Error).message).toContain('CONFIG SET maxmemory-policy noeviction');
    } finally {
      await evicting.stop();
    }
  });

  test('a Redis that refuses CONFIG (managed services) gets a warning, and the store works', async () => {
    const managed = await startRedis(['--rename-command', 'CONFIG', '']);
    const warnings: string[] = [];
    try {
      const store = await openStore(managed.url, { onWarning: (m) => warnings.push(m), keys: null });
      await store.save('github', sampleSession('github'));
      expect((await store.load('github')).name).toBe('github');
      await store.close();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('could not check the eviction policy');
      expect(warnings[0]).toContain('noeviction');
    } finally {
      await managed.stop();
    }
  });
});
