import { expect, test } from '@playwright/test';
import { createClient } from '@redis/client';
import { refreshSession } from '../../src/refresh/refresher.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { startRedis } from '../helpers/redis.js';
import { rotatingSession } from '../helpers/rotating-app.js';

const WAITERS = 3;

test('waiters for the refresh lock go on when the holder commits its login, woken by the message while the holder still holds the lock', async () => {
  test.setTimeout(60_000);
  const redis = await startRedis();
  const raw = createClient({ url: redis.url, RESP: 2 });
  const holder = new RedisStore({ url: redis.url, keys: null });
  // Polling alone would not bring them back for a minute: only the message can.
  const waiters = Array.from({ length: WAITERS }, () => new RedisStore({ url: redis.url, keys: null, lockPollMs: 60_000 }));
  try {
    await raw.connect();
    await holder.save('app', rotatingSession('http://127.0.0.1:9'));
    const seen = await holder.load('app');
    let waiting: Promise<unknown> | undefined;
    const outcome = await holder.withLock('app', 'refresh', async () => {
      waiting = Promise.all(waiters.map((store) => refreshSession({ store, name: 'app', seen, interactive: false })));
      waiting.catch(() => undefined);
      // Each waiter's store has subscribed to the session's channel: they wait for this lock.
      await expect.poll(async () => (await raw.sendCommand<[string, number]>(['PUBSUB', 'NUMSUB', 'sessionjar:{app}:generation']))[1], { timeout: 10_000 }).toBe(WAITERS);
      await holder.update('app', (s) => ({ ...s, generation: 1, cookies: s.cookies.map((c) => ({ ...c, value: 'at-1' })) }));
      // Still holding the lock: the waiters can only have gone on by the message.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), 10_000)));
      const result = await Promise.race([waiting, stuck]);
      clearTimeout(timer);
      return result;
    });
    expect(outcome).not.toBe('stuck');
    for (const result of outcome as Awaited<ReturnType<typeof refreshSession>>[]) {
      expect(result.refreshedElsewhere).toBe(true);
      expect([result.session.generation, result.session.cookies[0]?.value]).toEqual([1, 'at-1']);
    }
    // Done waiting, each store left the channel.
    await expect.poll(async () => (await raw.sendCommand<[string, number]>(['PUBSUB', 'NUMSUB', 'sessionjar:{app}:generation']))[1], { timeout: 10_000 }).toBe(0);
    await waiting;
  } finally {
    raw.destroy();
    await Promise.all([holder, ...waiters].map((s) => s.close()));
    await redis.stop();
  }
});
