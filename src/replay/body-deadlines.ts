import type { Dispatcher } from 'undici';
import type { Budget } from './budget.js';

type Body = Dispatcher.ResponseData['body'];

/**
 * Destroys response bodies still being read when their request's total timeout runs out, with one
 * timer per client instead of one per request. A timer per request costs more than the whole cookie
 * path: each one has its own duration (the time left), and Node keeps a timer list per duration.
 * The one timer is set for the earliest deadline; it fires about once per `timeouts.total` when
 * bodies are read in time, and then looks at the bodies still open.
 *
 * @example
 * ```ts
 * const deadlines = new BodyDeadlines();
 * deadlines.watch(response.body, budget);
 * ```
 */
export class BodyDeadlines {
  /**
   * Bodies still open, oldest first; a closed body leaves at once. A linked list, not a Map keyed
   * by body: a Map holding each body until it closed cost 30% more CPU per request at concurrency 32.
   */
  private head: Watched | undefined;
  private tail: Watched | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  watch(body: Body, budget: Budget): void {
    if (body.destroyed) return;
    const entry: Watched = { body, budget, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    // on, not once: 'close' comes once, and once's wrapper costs an object more per request.
    body.on('close', () => this.unlink(entry));
    if (this.timer === undefined || budget.end < this.timerAt) this.arm(budget.end);
  }

  private unlink(entry: Watched): void {
    if (entry.prev) entry.prev.next = entry.next;
    else if (this.head === entry) this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else if (this.tail === entry) this.tail = entry.prev;
    entry.prev = entry.next = undefined;
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, at - performance.now()));
    // An unread body must not keep the process alive for the rest of its budget.
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (let entry = this.head; entry !== undefined; ) {
      const { body, budget } = entry;
      const following = entry.next;
      if (budget.end > now) next = Math.min(next, budget.end);
      else {
        this.unlink(entry);
        // A body nobody reads is freed, not turned into an uncaught exception that kills the process;
        // a reader (text(), json(), a pipe) still gets the timeout error through its own listener.
        if (body.listenerCount('error') === 0) body.once('error', () => undefined);
        body.destroy(budget.expired());
      }
      entry = following;
    }
    if (next !== Infinity) this.arm(next);
  }
}

interface Watched {
  body: Body;
  budget: Budget;
  prev: Watched | undefined;
  next: Watched | undefined;
}
