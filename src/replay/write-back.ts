import { mergeWriteBack, type CookieChanges } from '../session/merge.js';
import { touch } from '../session/new-session.js';
import type { Session } from '../session/schema/index.js';
import type { SessionStore } from '../store/types.js';
import type { SessionCookieJar } from './jar.js';

/**
 * How long changes gather before one write: a burst of requests is one write, not a burst. A write
 * reads, checks and fsyncs the whole file under the lock (about 2.3 ms of CPU for a 28-cookie
 * session); once a second keeps that near 0.2% of a core while a server rotates cookies.
 */
export const WRITE_DELAY_MS = 1000;

/** Changes with the login generation they were made under. */
interface Batch {
  changes: CookieChanges;
  generation: number;
}

/**
 * Writes the jar's cookie changes into the session file through the store's locked `update`,
 * merged newest-wins with what other processes wrote meanwhile (expired cookies dropped). Each
 * change carries the login generation the jar held when it was made: one made under another
 * login than the file's (one another process has since replaced) only adds cookies
 * (mergeWriteBack), so it cannot undo the refresh that process committed. At most one write is in flight; changes that arrive during it are written
 * after it.
 *
 * @example
 * ```ts
 * const writer = new WriteBack(store, 'github', jar, undefined, session.generation);
 * writer.schedule(); // after a response changed cookies
 * writer.rebase(fresh.generation); // when the jar moves to a refreshed login
 * await writer.flush(); // on close
 * ```
 */
export class WriteBack {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private failure: unknown;
  /** Changes still to write that were made under an earlier login than the jar's now. */
  private earlier: Batch[] = [];

  constructor(
    private readonly store: SessionStore,
    private readonly ref: string,
    private readonly jar: SessionCookieJar,
    private readonly onWrite?: (cookies: number) => void,
    /** The login generation of the session the jar was loaded from. */
    private generation = 0,
  ) {}

  /**
   * The jar now holds login `generation` (a refresh, here or picked up from another process):
   * changes pending from before keep the generation they were made under.
   */
  rebase(generation: number | undefined): void {
    const next = generation ?? 0;
    if (next === this.generation) return;
    const pending = this.jar.takeChanges();
    if (pending) this.earlier.push({ changes: pending, generation: this.generation });
    this.generation = next;
    if (pending) this.schedule();
  }

  /** Writes the pending changes soon (debounced). */
  schedule(): void {
    if (this.timer !== undefined || this.writing !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, WRITE_DELAY_MS);
    // A script that forgets close() may still exit; close() is what guarantees the write.
    this.timer.unref();
  }

  /** Writes everything pending now; rejects with the error of a failed background or final write. */
  async flush(): Promise<void> {
    do {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      await this.writing;
    } while (this.writing !== undefined || this.timer !== undefined);
    await this.write();
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  private write(): Promise<void> {
    const batches = this.earlier;
    this.earlier = [];
    const changes = this.jar.takeChanges();
    const generation = this.generation;
    if (changes) batches.push({ changes, generation });
    if (batches.length === 0) return Promise.resolve();
    const count = batches.reduce((n, b) => n + b.changes.set.length + b.changes.removed.length, 0);
    const merge = (current: Session) => batches.reduce((s, b) => mergeWriteBack(s, b.changes, b.generation), touch(current));
    this.writing = this.store
      .update(this.ref, merge)
      .then(
        () => {
          this.failure = undefined;
          this.onWrite?.(count);
        },
        (error: unknown) => {
          // Put back, each under the generation it was made under (the jar may have moved on meanwhile).
          const own = changes && generation === this.generation ? changes : undefined;
          this.earlier = [...batches.filter((b) => b.changes !== own), ...this.earlier];
          if (own) this.jar.requeue(own);
          this.failure = error;
        },
      )
      .finally(() => {
        this.writing = undefined;
        // Changes that arrived during the write go in the next one (not after a failure: flush retries).
        if ((this.jar.hasChanges || this.earlier.length > 0) && this.failure === undefined) this.schedule();
      });
    return this.writing;
  }
}
