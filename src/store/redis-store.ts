import type { AsyncLocalStorage } from 'node:async_hooks';
import { SessionjarError } from '../core/errors.js';
import { generationOf } from '../session/merge.js';
import { touch } from '../session/new-session.js';
import { serializeSession } from '../session/schema/document.js';
import type { Session } from '../session/schema/index.js';
import { quickParseSession } from '../session/schema/quick.js';
import { envelopeHeaderOf, keyForWriting, openFileText, rememberSecrets, sealFileText } from './encryption.js';
import { defaultKeyProvider, type KeyProvider } from './keys.js';
import { checkLockScope, checkSessionName, isPathRef } from './names.js';
import { connectRedis, displayRedisUrl, redisError, type RedisClient, type RedisConnectOptions } from './redis-connect.js';
import type { HeldLock } from './redis-lock.js';
import { scanSessionNames, sessionNotFound } from './redis-keys.js';
import type { GenerationWake } from './redis-wake.js';
import type { LockOptions, SaveOptions, SessionEntry, SessionStore } from './types.js';

export interface RedisStoreOptions extends RedisConnectOptions {
  /** Put before every key; default `sessionjar:` (a session is the hash `sessionjar:{github}`). */
  prefix?: string;
  /** Key material for encrypted sessions, as FileStore's `keys`. */
  keys?: KeyProvider | null;
  /** How long `withLock` waits: default 120 s (the holder may be logging in with a browser). */
  lockTimeoutMs?: number;
  /** A lock's time to live between heartbeats: a crashed holder's lock is free after it. Default 15 s. */
  lockTtlMs?: number;
  /**
   * The longest pause between two tries for a taken lock, jittered (the pauses grow from 10 ms to
   * it). Default 250 ms. Waiters for the refresh lock are also woken by a message when the login
   * they wait for is committed; polling is for messages lost while disconnected.
   */
  lockPollMs?: number;
  /**
   * After a failed login (REFRESH_FAILED, SESSION_EXPIRED, LOGIN_FAILED inside `withLock`), the other
   * processes get that failure at once for this long instead of each trying again. Default 30 s; 0: off.
   */
  failureCooldownMs?: number;
}

/** What is stored for a session: the file store's file text, and the tag of the write that made it. */
interface Stored {
  text: string;
  writer: string;
}

const MAX_WRITE_ATTEMPTS = 50;

/**
 * Sessions in Redis, shared by every process and machine that points at the same server. Each
 * session is one hash `<prefix>{name}`: `doc` (the text the file store would write, encrypted or
 * not), `version` (counts writes), `generation` (the login generation) and `writer` (a random tag
 * of the write). Writes are a compare-and-set on `writer` (a Lua script), retried on a conflict, so
 * a writer that read an older session never overwrites a newer one (`update`'s function then runs
 * again on the newer session). Connects on first use.
 *
 * @example
 * ```ts
 * const store = new RedisStore({ url: 'redis://127.0.0.1:6379/0' });
 * try {
 *   console.log((await store.list()).map((e) => e.name));
 * } finally {
 *   await store.close();
 * }
 * ```
 */
export class RedisStore implements SessionStore {
  /** The server, without a password: `redis://cache:6379/0`. */
  readonly where: string;
  readonly prefix: string;
  readonly #options: RedisStoreOptions;
  readonly #keys: KeyProvider | undefined;
  #client: Promise<RedisClient> | undefined;
  /** Per session, the tail of this process's queue of writes: they conflict only with other processes. */
  readonly #queues = new Map<string, Promise<unknown>>();
  /**
   * The locks held by the code running now, so a write inside `withLock` is fenced by its lock.
   * Made by the first `withLock`: a plain request on the file store never loads what Redis needs.
   */
  #held: AsyncLocalStorage<HeldLock[]> | undefined;
  /** The subscriber that wakes lock waiters (redis-wake.ts), made by the first wait that can use it. */
  #wake: GenerationWake | undefined;

  constructor(options: RedisStoreOptions) {
    this.where = displayRedisUrl(options.url);
    this.prefix = options.prefix ?? 'sessionjar:';
    if (!/^[A-Za-z0-9:._-]*$/.test(this.prefix)) {
      throw new SessionjarError('USAGE', `invalid Redis key prefix "${this.prefix}": use letters, digits, ":", ".", "_" and "-".`);
    }
    this.#options = options;
    this.#keys = options.keys === null ? undefined : (options.keys ?? defaultKeyProvider());
  }

  /** Connects now (else the first call does): IO_ERROR if Redis is unreachable or may evict keys. */
  async connect(): Promise<void> {
    await this.#redis();
  }

  /** Closes the connection; a later call connects again. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await this.#wake?.close();
    this.#wake = undefined;
    if (client) await (await client.catch(() => undefined))?.close();
  }

  /**
   * The connection (made now if need be), for what keeps its own keys in the same Redis next to the
   * sessions: a pool's state (src/pool/redis-state.ts). IO_ERROR as `connect`.
   */
  connection(): Promise<RedisClient> {
    return this.#redis();
  }

  locate(ref: string): string {
    return `${this.where} ${this.#key(ref)}`;
  }

  async load(ref: string): Promise<Session> {
    const stored = await this.#read(ref);
    if (!stored) throw this.#notFound(ref);
    return this.#parse(ref, stored.text);
  }

  async save(ref: string, session: Session, options: SaveOptions = {}): Promise<void> {
    const { validateForSave } = await import('./validate.js');
    const valid = validateForSave(session, this.locate(ref));
    rememberSecrets(valid);
    await this.#write(ref, async (stored) => ({ session: valid, header: stored && envelopeHeaderOf(stored.text, this.locate(ref)) }), options);
  }

  async update(ref: string, fn: (current: Session) => Session | Promise<Session>, options: SaveOptions = {}): Promise<Session> {
    const { validateForSave } = await import('./validate.js');
    return this.#write(ref, async (stored) => {
      if (!stored) throw this.#notFound(ref);
      const next = validateForSave(touch(await fn(await this.#parse(ref, stored.text))), this.locate(ref));
      rememberSecrets(next);
      return { session: next, header: envelopeHeaderOf(stored.text, this.locate(ref)) };
    }, options);
  }

  /** Whether the stored session is encrypted; needs no key. SESSION_NOT_FOUND when there is none. */
  async isEncrypted(ref: string): Promise<boolean> {
    const stored = await this.#read(ref);
    if (!stored) throw this.#notFound(ref);
    return envelopeHeaderOf(stored.text, this.locate(ref)) !== undefined;
  }

  /** Stores the session encrypted (`true`) or plain, as it is otherwise; false when it already was so. */
  async setEncryption(ref: string, encrypt: boolean): Promise<boolean> {
    let changed = false;
    await this.#write(ref, async (stored) => {
      if (!stored) throw this.#notFound(ref);
      const header = envelopeHeaderOf(stored.text, this.locate(ref));
      changed = (header !== undefined) !== encrypt;
      return { session: await this.#parse(ref, stored.text), header, unchanged: !changed };
    }, { encrypt });
    return changed;
  }

  /** Obtains the key for encrypting `ref` now, so a caller can fail before long work. */
  async ensureKey(ref: string): Promise<void> {
    await keyForWriting(this.locate(ref), this.#keys);
  }

  async delete(ref: string): Promise<boolean> {
    const key = this.#key(ref);
    const client = await this.#redis();
    return (await this.#call(() => client.sendCommand<number>(['DEL', key]))) > 0;
  }

  async exists(ref: string): Promise<boolean> {
    const key = this.#key(ref);
    const client = await this.#redis();
    return (await this.#call(() => client.sendCommand<number>(['EXISTS', key]))) > 0;
  }

  /**
   * Runs `fn` holding the Redis lock `<prefix>{name}:lock:<scope>` (redis-lock.ts). While it holds
   * it, this store's writes to the session are fenced: refused once the lock is lost. A failed login
   * in it is shared with the other processes for a cool-down (redis-failure.ts). With `settled`, a
   * waiter is woken when the session's login generation moves (redis-wake.ts) and may go on without the lock.
   */
  async withLock<T>(ref: string, scope: string, fn: () => Promise<T>, options: LockOptions<T> = {}): Promise<T> {
    const sessionKey = this.#key(ref);
    const checked = checkLockScope(scope);
    const client = await this.#redis();
    const [{ withSessionLock }, { GenerationWake }, { AsyncLocalStorage }] = await Promise.all([
      import('./redis-session-lock.js'),
      import('./redis-wake.js'),
      import('node:async_hooks'),
    ]);
    const held = (this.#held ??= new AsyncLocalStorage());
    const wake = () => (this.#wake ??= new GenerationWake(client));
    return withSessionLock({ client, where: this.where, ref, scope: checked, sessionKey, settings: this.#options, held, wake }, fn, options);
  }

  /** Every session under the prefix, sorted by name; one that fails to load comes with its error. */
  async list(): Promise<SessionEntry[]> {
    const client = await this.#redis();
    const names = await this.#call(() => scanSessionNames(client, this.prefix));
    const entries: SessionEntry[] = [];
    for (const name of names) {
      const entry: SessionEntry = { name, location: this.locate(name) };
      try {
        entry.session = await this.load(name);
      } catch (error) {
        if ((error as SessionjarError).code === 'SESSION_NOT_FOUND') continue;
        entry.error = error as Error;
      }
      entries.push(entry);
    }
    return entries;
  }

  /**
   * Read, produce, compare-and-set; again on a conflict with another process's write. Writes of
   * this process to one session queue behind each other, so they never conflict among themselves.
   */
  async #write(
    ref: string,
    produce: (stored: Stored | undefined) => Promise<{ session: Session; header: ReturnType<typeof envelopeHeaderOf>; unchanged?: boolean }>,
    options: SaveOptions,
  ): Promise<Session> {
    const key = this.#key(ref);
    // A lock released since (a write-back timer started inside withLock) fences nothing; a lost one refuses.
    const fence = this.#held?.getStore()?.find((lock) => lock.key.startsWith(`${key}:lock:`) && lock.state !== 'released');
    return this.#serialise(key, async () => {
      for (let attempt = 1; ; attempt++) {
        const stored = await this.#read(ref);
        const { session, header, unchanged } = await produce(stored);
        if (unchanged) return session;
        const text = await sealFileText(serializeSession(session), this.locate(ref), this.#keys, header, options.encrypt);
        if (await this.#commit(key, stored?.writer ?? '', text, generationOf(session), fence)) return session;
        if (attempt === MAX_WRITE_ATTEMPTS) {
          throw new SessionjarError('LOCK_TIMEOUT', `${this.locate(ref)}: ${attempt} writes in a row lost to other processes writing the same session; nothing was written. Try again.`, {
            details: { file: this.locate(ref) },
          });
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 * attempt)));
      }
    });
  }

  /** true when written, false on a conflict (redis-commit.ts). */
  async #commit(key: string, expected: string, text: string, generation: number, fence: HeldLock | undefined): Promise<boolean> {
    const [{ commitDocument }, { DEFAULT_LOCK_TTL_MS }] = await Promise.all([import('./redis-commit.js'), import('./redis-session-lock.js')]);
    const ttlMs = this.#options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
    return commitDocument(await this.#redis(), { where: this.where, key, expected, text, generation, fence, ttlMs });
  }

  async #read(ref: string): Promise<Stored | undefined> {
    const key = this.#key(ref);
    const client = await this.#redis();
    const [text, writer] = await this.#call(() => client.sendCommand<(string | null)[]>(['HMGET', key, 'doc', 'writer']));
    return typeof text === 'string' ? { text, writer: writer ?? '' } : undefined;
  }

  async #parse(ref: string, text: string): Promise<Session> {
    const location = this.locate(ref);
    const json = await openFileText(text, location, this.#keys);
    const session = quickParseSession(json) ?? (await import('../session/schema/index.js')).parseSession(json, { file: location });
    rememberSecrets(session);
    return session;
  }

  #key(ref: string): string {
    if (isPathRef(ref)) {
      throw new SessionjarError('USAGE', `the Redis store holds sessions by name, not path: "${ref}". Use a name such as "github" (\`sessionjar push\` copies a file's session into Redis).`);
    }
    return `${this.prefix}{${checkSessionName(ref)}}`;
  }

  #redis(): Promise<RedisClient> {
    if (!this.#client) {
      const client = connectRedis(this.#options);
      // A failed connection is not kept: the next call tries again.
      client.catch(() => {
        if (this.#client === client) this.#client = undefined;
      });
      this.#client = client;
    }
    return this.#client;
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw redisError(this.where, error);
    }
  }

  #serialise<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const result = (this.#queues.get(key) ?? Promise.resolve()).then(fn);
    const tail = result.catch(() => undefined);
    this.#queues.set(key, tail);
    void tail.then(() => {
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    });
    return result;
  }

  #notFound(ref: string): SessionjarError {
    return sessionNotFound(ref, this.where, this.#key(ref));
  }
}
