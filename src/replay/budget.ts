import type { SessionjarError } from '../core/errors.js';
import { totalTimeoutError } from './transport-errors.js';

/**
 * The time one call may take (`timeouts.total`), redirects, retries and reading the body included.
 * Enforced without an abort signal per request (undici's signal handling costs more than the whole
 * cookie path): each hop's headers timeout is capped at what is left, waits between retries are
 * too, and a body still unread when time runs out is destroyed with the timeout error (see
 * body-deadlines.ts).
 *
 * @example
 * ```ts
 * const budget = new Budget('GET', new URL(url), 60_000, signal);
 * const headersTimeout = budget.cap(30_000);
 * ```
 */
export class Budget {
  /** When the time runs out, on the monotonic clock (`performance.now()`). */
  readonly end: number;

  constructor(
    private readonly method: string,
    /** Named in the timeout error: a `URL` or a hop. */
    private readonly url: { readonly href: string },
    private readonly total: number,
    /** The caller's signal, handed to undici only when there is one. */
    readonly signal: AbortSignal | undefined,
  ) {
    this.end = performance.now() + total;
  }

  /** `ms` or the time left, whichever is shorter; throws the timeout error when none is left. */
  cap(ms: number): number {
    const left = this.end - performance.now();
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
}
