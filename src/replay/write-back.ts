import { mergeCookies } from '../session/merge.js';
import { touch } from '../session/new-session.js';
import type { SessionStore } from '../store/types.js';
import type { SessionCookieJar } from './jar.js';

/**
 * How long changes gather before one write: a burst of requests is one write, not a burst. A write
 * reads, checks and fsyncs the whole file under the lock (about 2.3 ms of CPU for a 28-cookie
 * session); once a second keeps that near 0.2% of a core while a server rotates cookies.
 */
export const WRITE_DELAY_MS = 1000;

/**
 * Writes the jar's cookie changes into the session file through the store's locked `update`,
 * merged newest-wins with what other processes wrote meanwhile (expired cookies dropped). At most
 * one write is in flight; changes that arrive during it are written after it.
 *
 * @example
 * ```ts
 * const writer = new WriteBack(store, 'github', jar);
 * writer.schedule(); // after a response changed cookies
 * await writer.flush(); // on close
 * ```
 */
export class WriteBack {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly store: SessionStore,
    private readonly ref: string,
    private readonly jar: SessionCookieJar,
    private readonly onWrite?: (cookies: number) => void,
  ) {}

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
    const changes = this.jar.takeChanges();
    if (!changes) return Promise.resolve();
    const count = changes.set.length + changes.removed.length;
    this.writing = this.store
      .update(this.ref, (current) => ({ ...touch(current), cookies: mergeCookies(current.cookies, changes) }))
      .then(
        () => {
          this.failure = undefined;
          this.onWrite?.(count);
        },
        (error: unknown) => {
          this.jar.requeue(changes);
          this.failure = error;
        },
      )
      .finally(() => {
        this.writing = undefined;
        // Changes that arrived during the write go in the next one (not after a failure: flush retries).
        if (this.jar.hasChanges && this.failure === undefined) this.schedule();
      });
    return this.writing;
  }
}
