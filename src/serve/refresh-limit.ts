import { SessionjarError } from '../core/errors.js';
import type { RefreshReason, Refresher } from '../replay/options.js';
import type { Session } from '../session/schema/index.js';

/** Failed refreshes in a row after which the gateway stops logging in (accounts get locked). */
export const DEFAULT_REFRESH_LIMIT = 3;

/**
 * A refresher that gives up: after `limit` refreshes in a row that failed, or that did not restore
 * access (the resent request was logged out again), every further refresh fails at once with
 * REFRESH_FAILED instead of logging in again, until the gateway restarts. A request answered
 * normally after a refresh resets the count.
 *
 * @example
 * ```ts
 * const limit = new RefreshLimit(createRefresher({ store, name: 'github' }));
 * const session = await openSession('github', { refresher: limit });
 * ```
 */
export class RefreshLimit implements Refresher {
  private failures = 0;
  private attempts = 0;
  private counted = 0;

  constructor(
    private readonly inner: Refresher,
    private readonly limit = DEFAULT_REFRESH_LIMIT,
  ) {}

  get exhausted(): boolean {
    return this.failures >= this.limit;
  }

  isStale(session: Session): boolean {
    return !this.exhausted && this.inner.isStale !== undefined && this.inner.isStale(session);
  }

  adopted(session: Session): boolean {
    return this.inner.adopted !== undefined && this.inner.adopted(session);
  }

  stillValid(session: Session): boolean {
    return this.inner.stillValid !== undefined && this.inner.stillValid(session);
  }

  async refresh(reason: RefreshReason): Promise<Session> {
    if (this.exhausted) throw this.gaveUp();
    const attempt = ++this.attempts;
    try {
      return await this.inner.refresh(reason);
    } catch (error) {
      this.fail(attempt);
      throw error;
    }
  }

  /** The request resent after the last refresh was logged out again: that refresh did not help. */
  notRestored(): void {
    this.fail(this.attempts);
  }

  /** A request got a normal answer after a refresh: the login works again. */
  restored(): void {
    this.failures = 0;
  }

  /** Each refresh counts once, however many requests waited for it. */
  private fail(attempt: number): void {
    if (this.counted === attempt) return;
    this.counted = attempt;
    this.failures++;
  }

  private gaveUp(): SessionjarError {
    return new SessionjarError(
      'REFRESH_FAILED',
      `gave up refreshing after ${this.limit} failed refreshes in a row (logging in again and again locks accounts); run \`sessionjar refresh\` for this session, then restart the gateway`,
    );
  }
}
