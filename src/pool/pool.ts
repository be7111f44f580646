import { SessionjarError } from '../core/errors.js';
import { openSession, type OpenSessionOptions } from '../refresh/open.js';
import type { ReplayRequestOptions, ReplayResponse, SessionClient } from '../replay/client.js';
import { fromFetchInput } from '../replay/fetch-adapter.js';
import { toFetchResponse } from '../replay/fetch-response.js';
import { defaultStore } from '../store/default-store.js';
import { classifyError, classifyResponse, type ClassifyOptions } from './classify.js';
import { exhausted } from './exhausted.js';
import { defaultPoolState, poolMembers } from './members.js';
import type { PickStrategy, PoolLimits, PoolState, PoolStateEvent, StateChange } from './types.js';

export interface PoolOptions extends OpenSessionOptions {
  /** The pool's name, the key of its shared state (default: the prefix, or the names' common prefix). */
  name?: string;
  /**
   * Default `round-robin`. `use-until-failure` keeps one account until an answer counts against it
   * (blocked, 429, 5xx, network error, failed refresh), then goes on with the next ready one.
   */
  pick?: PickStrategy;
  /** Statuses that mean the site blocked this account (default [403]): quarantined. */
  blockedStatuses?: number[];
  /** A body that means blocked whatever the status, such as a captcha page: quarantined. */
  blockedBody?: RegExp;
  /** How long a blocked account is quarantined, ms (default 10 minutes). */
  quarantineMs?: number;
  /** How long a 429 without a readable Retry-After cools an account down, ms (default 60 s). */
  rateLimitMs?: number;
  /** Network errors and 5xx answers an account may collect (decaying) before it is quarantined (default 3). */
  maxErrorScore?: number;
  /** The error score halves every this many ms (default 60 s). */
  errorHalfLifeMs?: number;
  /** Failed refreshes in a row before an account is retired (default 3). */
  maxRefreshFailures?: number;
  /** Told of every state change, with its reason (as `pool.on('state', …)`); `remote` false for this process's. */
  onState?: (change: PoolStateEvent) => void;
  /**
   * Also tell the `state` listeners of changes other processes make (`remote: true`), where the state
   * can (Redis: one more connection, subscribed to the pool's channel, from the first listener on).
   * Default true.
   */
  remoteEvents?: boolean;
  /** The shared state (default: `<store dir>/.pools/<name>.json` for a file store, memory otherwise). */
  state?: PoolState;
  /** The clock, epoch ms (default Date.now): cool-downs are judged by it. */
  now?: () => number;
}

/** Options of one pooled request: the request's own, and `session` to pin it to one account. */
export interface PoolRequestOptions extends ReplayRequestOptions {
  session?: string;
}

/** The answer, and the account that got it. */
export type PoolResponse = ReplayResponse & { session: string };

/**
 * Several sessions of one site used in turn, each answer judged for the account that got it.
 * Use {@link openPool}.
 */
export class Pool implements AsyncDisposable {
  readonly #clients = new Map<string, Promise<SessionClient>>();
  readonly #listeners = new Set<(change: PoolStateEvent) => void>();
  readonly #classify: ClassifyOptions;
  readonly #limits: PoolLimits;
  readonly #now: () => number;
  /** The subscription to other processes' changes, once a listener asked for it. */
  #watching: Promise<(() => Promise<void>) | undefined> | undefined;
  #closed = false;

  /** Use {@link openPool}. */
  constructor(
    /** The pool's name (its state's key). */
    readonly name: string,
    /** Its accounts, in order. */
    readonly names: readonly string[],
    /** Where its state is kept. */
    readonly state: PoolState,
    private readonly options: PoolOptions,
  ) {
    this.#now = options.now ?? Date.now;
    const quarantineMs = options.quarantineMs ?? 10 * 60_000;
    this.#classify = {
      blockedStatuses: options.blockedStatuses ?? [403],
      blockedBody: options.blockedBody,
      quarantineMs,
      rateLimitMs: options.rateLimitMs ?? 60_000,
      now: this.#now,
    };
    this.#limits = {
      maxErrorScore: options.maxErrorScore ?? 3,
      errorHalfLifeMs: options.errorHalfLifeMs ?? 60_000,
      errorCoolDownMs: quarantineMs,
      maxRefreshFailures: options.maxRefreshFailures ?? 3,
    };
    if (options.onState) this.#listeners.add(options.onState);
  }

  /**
   * Tells `listener` of every state change this pool makes, with its reason (`remote: false`), and
   * those other processes sharing the state make where it can tell (`remote: true`).
   *
   * @example
   * ```ts
   * pool.on('state', (c) => console.error(`${c.name}: ${c.from} → ${c.to} (${c.reason})`));
   * ```
   */
  on(event: 'state', listener: (change: PoolStateEvent) => void): this {
    if (event !== 'state') throw new SessionjarError('USAGE', `pool.on: unknown event "${String(event)}"; the pool emits "state".`);
    this.#listeners.add(listener);
    this.listening().catch((error: unknown) => process.emitWarning(`pool "${this.name}": other processes' state changes will not be heard: ${(error as Error).message}`, 'SessionjarWarning'));
    return this;
  }

  /**
   * Resolves once the `state` listeners hear other processes' changes too (at once where the state
   * tells none, or with `remoteEvents: false`). openPool waits for it when given `onState`.
   *
   * @example
   * ```ts
   * pool.on('state', (c) => c.remote && console.error(`another worker: ${c.name} → ${c.to}`));
   * await pool.listening();
   * ```
   */
  async listening(): Promise<void> {
    if (this.#closed || this.#listeners.size === 0 || this.options.remoteEvents === false || !this.state.watch) return;
    this.#watching ??= this.state.watch((change) => this.#emit([change], true));
    await this.#watching;
  }

  /**
   * The session client's `request()` through the next account the pick strategy gives (or the one
   * `session` pins). POOL_EXHAUSTED when none is ready.
   *
   * @example
   * ```ts
   * const res = await pool.request('https://shop.example/api/cart', { session: 'shop-bob' });
   * console.log(res.session, res.status);
   * ```
   */
  async request(url: string | URL, options: PoolRequestOptions = {}): Promise<PoolResponse> {
    if (this.#closed) throw new SessionjarError('USAGE', `pool "${this.name}" was closed; open it again with openPool().`);
    const { session: pinned, ...request } = options;
    if (pinned !== undefined && !this.names.includes(pinned)) {
      throw new SessionjarError('USAGE', `session "${pinned}" is not in pool "${this.name}" (${this.names.join(', ')}).`, { details: { pool: this.name, session: pinned } });
    }
    const now = this.#now();
    const taken = await this.state.take({ names: this.names, pick: this.options.pick ?? 'round-robin', now, ...(pinned === undefined ? {} : { pinned }) });
    this.#emit(taken.changes);
    const name = taken.name;
    if (name === undefined) throw exhausted(this.name, taken.members, now, pinned);
    let response: ReplayResponse;
    try {
      response = await (await this.#client(name)).request(url, request);
    } catch (error) {
      const outcome = classifyError(error);
      if (outcome) this.#emit([await this.state.record(name, outcome, this.#limits, this.#now())]);
      throw error;
    }
    const outcome = await classifyResponse(response, (request.method ?? 'GET').toUpperCase(), this.#classify);
    // A good answer only clears failed refreshes: with none to clear, the state is not touched.
    if (outcome.kind !== 'ok' || taken.members[name]?.refreshFailures !== 0) this.#emit([await this.state.record(name, outcome, this.#limits, this.#now())]);
    return Object.assign(response, { session: name });
  }

  /**
   * WHATWG fetch through the pool; the `Response` carries `session`, the account that got it.
   *
   * @example
   * ```ts
   * const res = await pool.fetch('https://shop.example/api/items');
   * ```
   */
  async fetch(input: string | URL | Request, init?: RequestInit & { session?: string }): Promise<Response & { session: string }> {
    const { url, options } = await fromFetchInput(input, init);
    const response = await this.request(url, { ...options, ...(init?.session === undefined ? {} : { session: init.session }) });
    return Object.assign(toFetchResponse(response, options.method ?? 'GET'), { session: response.session });
  }

  /** Closes every session opened (their cookie updates saved). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stop = this.#watching?.then((unwatch) => unwatch?.(), () => undefined);
    const results = await Promise.allSettled([stop, ...[...this.#clients.values()].map(async (client) => (await client).close())]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Opened on first use: a CLI request through the pool loads one session, not all. */
  #client(name: string): Promise<SessionClient> {
    let client = this.#clients.get(name);
    if (client === undefined) {
      const { retries } = this.options;
      // A 429's Retry-After is the pool's to honour (another account goes meanwhile), not a wait here.
      const limit = retries === undefined ? 2 : typeof retries === 'number' ? retries : retries.limit;
      const maxRetryAfterMs = typeof retries === 'object' && retries.maxRetryAfterMs !== undefined ? retries.maxRetryAfterMs : 0;
      client = openSession(name, { ...this.options, retries: { limit, maxRetryAfterMs } });
      client.catch(() => this.#clients.delete(name));
      this.#clients.set(name, client);
    }
    return client;
  }

  #emit(changes: (StateChange | undefined)[], remote = false): void {
    for (const change of changes) {
      if (change) for (const listener of this.#listeners) listener({ ...change, remote });
    }
  }
}

/**
 * Opens a pool of sessions of one site: a prefix (`shop` takes `shop-alice`, `shop-bob`, …) or
 * names. Accounts are picked round-robin, least recently used (across every process sharing the
 * state), or one until it fails; blocked ones are quarantined, rate-limited ones cool down, and
 * ones whose refresh keeps failing are retired.
 *
 * @example
 * ```ts
 * const pool = await openPool('shop', { pick: 'least-recently-used', blockedBody: /captcha/i });
 * try {
 *   const res = await pool.request('https://shop.example/api/orders');
 *   console.log(res.session, res.status);
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export async function openPool(namesOrPrefix: string | readonly string[], options: PoolOptions = {}): Promise<Pool> {
  const store = options.store ?? defaultStore(options.env ?? process.env);
  const { pool, names } = await poolMembers(store, namesOrPrefix, options.name);
  const opened = new Pool(pool, names, options.state ?? defaultPoolState(store, pool), { ...options, store });
  if (options.onState) {
    try {
      await opened.listening();
    } catch (error) {
      await opened.close();
      throw error;
    }
  }
  return opened;
}
