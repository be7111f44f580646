import type { Session } from '../../session/schema/index.js';
import type { LiveSession } from '../live-session.js';
import type { Refresher } from '../options.js';

/** How stale the snapshot the refresher judges may get while cookies keep changing. */
export const STALE_RECHECK_MS = 1000;

/**
 * Whether the refresher wants a refresh before a request. A server that rotates a cookie on every
 * response would otherwise make every request build a new snapshot and recompute its expiry, which
 * costs more than the rest of the cookie path: the refresher judges a snapshot, and a fresh verdict
 * holds for up to STALE_RECHECK_MS (staleness is judged a margin of seconds ahead, and a login the
 * server ended shows as a logged-out answer anyway). A new state (refresh, clear()) is judged at
 * once; a stale verdict is asked again on every request (a refresher that gave up on a refresh
 * answers otherwise) and checked on the live cookies, so a renewed cookie never causes a re-login.
 *
 * @example
 * ```ts
 * const check = new StaleCheck(live, refresher, Date.now);
 * if (check.isStale()) await gate.refresh('stale', url, live.state);
 * ```
 */
export class StaleCheck {
  /** The snapshot staleness was last judged on, when, and the verdict. */
  private view: { state: Session; at: number; session: Session; stale: boolean } | undefined;

  constructor(
    private readonly live: LiveSession,
    private readonly refresher: Required<Pick<Refresher, 'isStale'>>,
    /** The clock of the re-check, in ms (tests advance their own). */
    private readonly now: () => number,
  ) {}

  isStale(): boolean {
    const { refresher, live } = this;
    const now = this.now();
    let view = this.view;
    if (!view || view.state !== live.state || now - view.at >= STALE_RECHECK_MS) {
      const session = live.session;
      view = { state: live.state, at: now, session, stale: refresher.isStale(session) };
      this.view = view;
    } else if (view.stale) {
      view.stale = refresher.isStale(view.session);
    }
    if (!view.stale) return false;
    const current = live.session;
    return current === view.session || refresher.isStale(current);
  }
}
