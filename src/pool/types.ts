/**
 * A pool's shared state: one small record per account, changed only through {@link PoolState}'s
 * atomic operations, so several processes (one machine: a JSON file under a lock; a fleet: a store
 * such as Redis, with counters changed in place) agree on who is cooling down and who was used last.
 */

/** Where an account stands. */
export type MemberStatus = 'ready' | 'cooling' | 'quarantined' | 'retired';

export type PickStrategy = 'round-robin' | 'least-recently-used' | 'use-until-failure';

export interface MemberState {
  status: MemberStatus;
  /** Why it is in this state ("HTTP 403 from https://shop.example/cart"). */
  reason?: string;
  /** Epoch ms when a `cooling` or `quarantined` account is ready again. */
  until?: number;
  /** Epoch ms of its last use, for people; least-recently-used goes by `lastSeq`. */
  lastUsed?: number;
  /** The pool's use counter when it was last taken: a total order across processes, unlike clocks. */
  lastSeq: number;
  uses: number;
  /** Network errors and 5xx answers, decayed over time (halved every `errorHalfLifeMs`), as of `scoreAt`. */
  errorScore: number;
  scoreAt?: number;
  /** Failed refreshes in a row; reset by a good answer. */
  refreshFailures: number;
}

export interface PoolSnapshot {
  members: Record<string, MemberState>;
  /** Uses of the whole pool so far. */
  seq: number;
  /** round-robin and use-until-failure: the index in the pool's names of the next account to try. */
  cursor: number;
  /** use-until-failure: the account in use until it fails. */
  current?: string;
}

/** What one answer (or error) meant for the account that sent it. */
export type Outcome =
  | { kind: 'ok' }
  /** 403 or a captcha page: quarantined for `coolDownMs`. */
  | { kind: 'blocked'; reason: string; coolDownMs: number }
  /** 429: cooling for `coolDownMs` (its Retry-After), no penalty. */
  | { kind: 'rate-limited'; reason: string; coolDownMs: number }
  /** A network error or 5xx: adds 1 to the error score. */
  | { kind: 'error'; reason: string }
  /** REFRESH_FAILED or SESSION_EXPIRED from the client: counted; retired after `maxRefreshFailures` in a row. */
  | { kind: 'refresh-failed'; reason: string };

/** Limits an outcome is judged by (the pool's options). */
export interface PoolLimits {
  maxErrorScore: number;
  errorHalfLifeMs: number;
  /** How long an account whose error score reached the limit is quarantined. */
  errorCoolDownMs: number;
  maxRefreshFailures: number;
}

/** One account moving from one state to another, and why. */
export interface StateChange {
  name: string;
  from: MemberStatus;
  to: MemberStatus;
  reason: string;
  /** When a cooling or quarantined account is back (epoch ms). */
  until?: number;
  at: number;
  /**
   * true: made by another process sharing the state (heard through {@link PoolState.watch}); false:
   * by this one. Always set on what a pool's `state` listeners get ({@link PoolStateEvent}); a
   * PoolState's own `take`, `record` and `reset` leave it out.
   */
  remote?: boolean;
}

/** A state change as a pool's `state` listeners get it: `remote` always set. */
export type PoolStateEvent = StateChange & { remote: boolean };

export interface TakeRequest {
  /** The pool's accounts, in order (round-robin and use-until-failure follow it). */
  names: readonly string[];
  pick: PickStrategy;
  /** Use this account and no other. */
  pinned?: string;
  now: number;
}

export interface TakeResult {
  /** The account to use, now marked as used; absent when none is ready. */
  name?: string;
  /** Accounts whose cool-down ended, found while picking. */
  changes: StateChange[];
  /** When none is ready: the state of every one asked for, to name the soonest back. */
  members: Record<string, MemberState>;
}

/**
 * The pool's state as a store keeps it. Every operation is atomic across the processes sharing it:
 * `take` reads, picks and marks the account used in one step; `record` applies one outcome.
 * A Redis implementation does each in one script (HINCRBY, HSET on the account's hash).
 */
export interface PoolState {
  take(request: TakeRequest): Promise<TakeResult>;
  record(name: string, outcome: Outcome, limits: PoolLimits, now: number): Promise<StateChange | undefined>;
  get(): Promise<PoolSnapshot>;
  /** Makes these accounts ready and forgets their counters (after a retired one was recorded again). */
  reset(names: readonly string[], now: number): Promise<StateChange[]>;
  /** Where it is kept, for messages (`recordings/.pools/shop.json`). */
  readonly location: string;
  /**
   * Where other processes' changes can be heard (Redis): calls `listener` with each, from when the
   * promise resolves, which gives the function that stops it. Absent where none can be (a file).
   */
  watch?(listener: (change: StateChange) => void): Promise<() => Promise<void>>;
}
