import type { Session } from '../session/schema/index.js';

export interface SessionEntry {
  /** The name a user types (`github`). */
  name: string;
  /** Where it lives, for messages (`recordings/github.json`); the store's own id for non-file stores. */
  location: string;
  /** The session, when it loaded; absent with `error` when it did not. */
  session?: Session;
  error?: Error;
}

/** For stores that encrypt (FileStore): `encrypt` true/false rewrites the file so; absent keeps it as it is. */
export interface SaveOptions {
  encrypt?: boolean;
}

export interface LockOptions<T> {
  /** How long to wait for the lock; each store has its default. */
  timeoutMs?: number;
  /**
   * A look at the session while another process holds the lock: a value ends the wait with it,
   * without the lock and without running `fn` (a login the holder committed meanwhile). RedisStore
   * calls it when the session's login generation moves; a store may never call it.
   */
  settled?: () => Promise<T | undefined>;
}

/**
 * Where session files live. Every implementation passes test/store/contract.ts. A `ref` is a
 * session name (`github`) or, for the file store, a path (`./x.json`, `/tmp/s.json`).
 */
export interface SessionStore {
  /** Throws SESSION_NOT_FOUND, SESSION_INVALID, SESSION_TOO_NEW, UNSAFE_PATH; never writes. */
  load(ref: string): Promise<Session>;
  /** Atomic: a reader sees the old or the new file, never a part. */
  save(ref: string, session: Session, options?: SaveOptions): Promise<void>;
  list(): Promise<SessionEntry[]>;
  /** false when there was nothing to delete. */
  delete(ref: string): Promise<boolean>;
  exists(ref: string): Promise<boolean>;
  /**
   * Read–modify–write under a cross-process lock: `fn` gets the session as it is on disk now and
   * returns the new one. Concurrent updates from any process serialise; none is lost.
   *
   * The login `generation` is part of what `fn` reads and returns, and is stored as `fn` returns
   * it (a store that keeps a session in parts keeps the generation in the same atomic write). Only
   * a refresh moves it (`applyRefresh`: one more than the stored one); a cookie write-back merges
   * with `mergeWriteBack(current, changes, basedOn)`, where `basedOn` is the generation the changes
   * were made under: from an older one they cannot undo the newer login's cookies.
   *
   * A store may call `fn` more than once (RedisStore: again on the newer session after another
   * process wrote first), so `fn` should compute, not act: no requests, no logins inside it.
   */
  update(ref: string, fn: (current: Session) => Session | Promise<Session>, options?: SaveOptions): Promise<Session>;
  /**
   * Runs `fn` holding the lock named `scope` for this session (e.g. "refresh"), across processes,
   * with stale-lock recovery. Independent of the lock `update` takes, so a long re-login does not
   * block cookie write-back.
   */
  withLock<T>(ref: string, scope: string, fn: () => Promise<T>, options?: LockOptions<T>): Promise<T>;
  /** A human-readable location for `ref` (`recordings/github.json`). */
  locate(ref: string): string;
}
