import type { RedisClient } from './redis-connect.js';

/** One waiter's view of a channel: woken by a message, or by a look it should take anyway. */
export interface Watcher {
  /** Resolves true as soon as it is woken (or was since the last pause), false after `ms`. */
  pause(ms: number): Promise<boolean>;
  close(): void;
}

/** The channel the commit script publishes a session's new login generation on (redis-scripts.ts). */
export function generationChannel(sessionKey: string): string {
  return `${sessionKey}:generation`;
}

/**
 * Wakes the waiters for a session's lock when its login generation moves: the commit script
 * publishes on `<session key>:generation`, and one subscriber connection per store (a duplicate of
 * its client, made when the first waiter needs it) listens to the channels waiters are on.
 * Pub/sub drops messages while disconnected, so waiters keep polling too (redis-lock.ts), and a
 * waiter is also woken to take a look when it starts, when its channel's subscription is active
 * and after the subscriber reconnects: a change made in any of those gaps is seen then.
 */
export class GenerationWake {
  readonly #client: RedisClient;
  #subscriber: RedisClient | undefined;
  readonly #channels = new Map<string, Set<() => void>>();

  constructor(client: RedisClient) {
    this.#client = client;
  }

  watch(channel: string): Watcher {
    let woken = true;
    let resolve: ((woke: boolean) => void) | undefined;
    const wake = () => {
      woken = true;
      resolve?.(true);
    };
    let wakers = this.#channels.get(channel);
    if (!wakers) {
      wakers = new Set();
      this.#channels.set(channel, wakers);
      this.#subscribe(channel, wakers);
    }
    wakers.add(wake);
    return {
      pause: (ms) => {
        if (woken) {
          woken = false;
          return Promise.resolve(true);
        }
        return new Promise<boolean>((done) => {
          const timer = setTimeout(() => finish(false), ms);
          const finish = (woke: boolean) => {
            clearTimeout(timer);
            resolve = undefined;
            woken = false;
            done(woke);
          };
          resolve = finish;
        });
      },
      close: () => {
        resolve?.(false);
        wakers.delete(wake);
        if (wakers.size > 0 || this.#channels.get(channel) !== wakers) return;
        this.#channels.delete(channel);
        void this.#subscriber?.unsubscribe(channel).catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#channels.clear();
    subscriber?.destroy();
  }

  #subscribe(channel: string, wakers: Set<() => void>): void {
    const wakeAll = () => {
      for (const wake of wakers) wake();
    };
    this.#connection()
      .subscribe(channel, wakeAll)
      .then(wakeAll, () => {
        // Not subscribed (Redis unreachable): the waiters poll; the next waiter tries again.
        if (this.#channels.get(channel) === wakers) this.#channels.delete(channel);
      });
  }

  #connection(): RedisClient {
    if (!this.#subscriber) {
      const subscriber = this.#client.duplicate();
      // The main client reports a lost connection; this one reconnects and resubscribes by itself.
      subscriber.on('error', () => undefined);
      let connected = false;
      subscriber.on('ready', () => {
        // Messages published while it was away are lost: every waiter takes a look.
        if (connected) for (const wakers of this.#channels.values()) for (const wake of wakers) wake();
        connected = true;
      });
      subscriber.connect().catch(() => undefined);
      this.#subscriber = subscriber;
    }
    return this.#subscriber;
  }
}
