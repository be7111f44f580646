import type { Dispatcher } from 'undici';
import type { SessionjarError } from '../core/errors.js';
import { totalTimeoutError } from './transport-errors.js';

/**
 * The time one call may take (`timeouts.total`), redirects, retries and reading the body included.
 * Enforced without an abort signal per request (undici's signal handling costs more than the whole
 * cookie path): each hop's headers timeout is capped at what is left, waits between retries are
 * too, and a body still unread when time runs out is destroyed with the timeout error.
 *
 * @example
 * ```ts
 * const budget = new Budget('GET', new URL(url), 60_000, signal);
 * const headersTimeout = budget.cap(30_000);
 * ```
 */
export class Budget {
  private readonly end: number;

  constructor(
    private readonly method: string,
    private readonly url: URL,
    private readonly total: number,
    /** The caller's signal, handed to undici only when there is one. */
    readonly signal: AbortSignal | undefined,
  ) {
    this.end = Date.now() + total;
  }

  /** `ms` or the time left, whichever is shorter; throws the timeout error when none is left. */
  cap(ms: number): number {
    const left = this.end - Date.now();
    if (left <= 0) throw this.expired();
    return Math.min(ms, left);
  }

  expired(): SessionjarError {
    return totalTimeoutError(this.method, this.url.href, this.total);
  }

  /** Waits `ms` (within the budget), or rejects when the caller aborts. */
  sleep(ms: number): Promise<void> {
    const signal = this.signal;
    const wait = this.cap(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        if (wait < ms) reject(this.expired());
        else resolve();
      }, wait);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Destroys the body with the timeout error if it is still being read when the budget runs out. */
  guard(body: Dispatcher.ResponseData['body']): void {
    const timer = setTimeout(() => {
      // A body nobody reads is freed, not turned into an uncaught exception that kills the process;
      // a reader (text(), json(), a pipe) still gets the timeout error through its own listener.
      if (body.listenerCount('error') === 0) body.once('error', () => undefined);
      body.destroy(this.expired());
    }, Math.max(0, this.end - Date.now()));
    // An unread body must not keep the process alive for the rest of the budget.
    timer.unref();
    body.once('close', () => clearTimeout(timer));
  }
}
