import { SessionjarError } from '../../core/errors.js';
import type { Session } from '../../session/schema/index.js';
import { loggedOutReason, needsBody, type ObservedResponse } from '../../session/logged-out.js';
import type { BodyDeadlines } from '../body-deadlines.js';
import { Budget } from '../budget.js';
import type { LiveSession } from '../live-session.js';
import type { ReplayEvent, Refresher } from '../options.js';
import { isPeekable } from '../peek.js';
import { isIdempotent } from '../retry.js';
import type { Hop, ReplayRequestOptions, ReplayResponse } from '../types.js';
import type { WriteBack } from '../write-back.js';
import type { Follow } from './follow.js';
import { peekResponse } from './response-body.js';
import { StaleCheck } from './stale-check.js';
import { isResendable } from '../request-body.js';

/**
 * The outermost stage: refreshes a stale session before the request (in the background while the
 * refresher says it still works), and a session whose answer looks logged out (by its login block)
 * after it, then sends the request once more. One refresh
 * at a time per client; concurrent requests wait for the same one. Only a request that is "the
 * session's own" (its credentials not removed or replaced) is refreshed for.
 *
 * @example
 * ```ts
 * const gate = new RefreshGate(live, follow, { refresher, autoRefresh: true, totalMs: 60_000, deadlines, emit, now: Date.now });
 * const response = await gate.request(hop, 'GET', {}, true);
 * ```
 */
export class RefreshGate {
  private refreshing: Promise<void> | undefined;
  private readonly stale: StaleCheck | undefined;

  constructor(
    private readonly live: LiveSession,
    private readonly follow: Follow,
    private readonly config: GateConfig,
  ) {
    const refresher = config.refresher;
    this.stale = refresher?.isStale && config.autoRefresh !== false ? new StaleCheck(live, refresher as Required<Refresher>, config.now) : undefined;
  }

  async request(hop: Hop, method: string, options: ReplayRequestOptions, own: boolean): Promise<ReplayResponse> {
    const { totalMs, deadlines } = this.config;
    if (own && this.stale?.isStale()) {
      if (this.config.refresher?.stillValid?.(this.live.session)) this.refreshAhead(hop.href);
      else {
        const before = this.live.state;
        await this.refresh('stale', hop.href, before);
        // Told only when the refresh gave a new session to send with (not when it failed and the
        // request goes on with the old one).
        if (this.live.state !== before) options.onRefresh?.();
      }
    }
    let budget = new Budget(method, hop, totalMs, options.signal);
    let sentWith = this.live.state;
    let response = await this.follow.run(hop, method, options, budget);
    const refreshable = own && isResendable(options.body) && this.refreshable(response, method);
    let reason = refreshable ? this.loggedOut(response, this.checksBody(response, method) ? await peekResponse(response, budget, deadlines) : undefined) : undefined;
    for (let round = 0; reason !== undefined; round += 1) {
      await response.body.dump();
      // Once, or twice when the login this request was resent with was taken up from another
      // process (it may have been revoked while this one waited for it; the second refresh logs
      // in itself); after that a logged-out answer is an error, never another refresh.
      if (round === 2 || (round === 1 && !this.config.refresher?.adopted?.(sentWith))) {
        throw new SessionjarError(
          'SESSION_EXPIRED',
          `re-login did not restore access: ${method} ${response.url} answered as logged out again (${reason}) right after a refresh. Check the session's login block (login.loggedOut, login.probe), or record it again.`,
          { details: { url: response.url, status: response.status } },
        );
      }
      this.config.emit?.({ type: 'refresh', url: response.url, reason: 'logged-out' });
      // Another request may have refreshed while this one was in flight: then just send it again.
      if (this.live.state === sentWith) await this.refresh('logged-out', response.url, sentWith);
      if (this.live.state !== sentWith) options.onRefresh?.();
      // A re-login has its own timeout; the retried request gets the whole budget again, so a slow
      // browser login does not starve the request it was for.
      budget = new Budget(method, hop, totalMs, options.signal);
      sentWith = this.live.state;
      response = await this.follow.run(hop, method, options, budget);
      reason = this.loggedOut(response, this.checksBody(response, method) ? await peekResponse(response, budget, deadlines) : undefined);
    }
    // The total timeout covers reading the body too.
    deadlines.watch(response.body, budget);
    return response;
  }

  /** A refresher to ask, and a request that is safe to send again after a logged-out answer. */
  private refreshable(response: ReplayResponse, method: string): boolean {
    if (!this.config.refresher || this.config.autoRefresh === false) return false;
    return isIdempotent(method) || (response.status >= 400 && response.status < 500);
  }

  /** The login block looks at bodies (`loggedOut.bodyRegex`, `jsonPath`) and this one is small text. */
  private checksBody(response: ReplayResponse, method: string): boolean {
    return needsBody(this.live.state.login) && isPeekable(response.headers, response.status, method);
  }

  /** Why this answer means logged out, by the session's login block (see session/logged-out.ts). */
  private loggedOut(response: ReplayResponse, body: string | undefined): string | undefined {
    const location = response.headers.location;
    const observed: ObservedResponse = { status: response.status, url: response.url, redirected: response.redirects.length > 0 };
    if (typeof location === 'string') observed.location = location;
    if (body !== undefined) observed.body = body;
    return loggedOutReason(observed, this.live.state.login);
  }

  /** Resolves once no refresh is in flight: a client closing waits, so a rotated refresh token is never lost. */
  async settled(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
  }

  /**
   * Starts a refresh of the expiring (still valid) session, or leaves the one in flight, and returns
   * at once: the request goes on with the session it has, and later ones take the new one when it
   * lands. A failure reaches no request here; once the session has expired, a request waits for a
   * refresh of its own and meets the error then.
   */
  private refreshAhead(url: string): void {
    if (this.refreshing) return;
    this.refresh('stale', url, this.live.state).catch(() => undefined);
  }

  private async refresh(kind: 'stale' | 'logged-out', url: string, session: Session): Promise<void> {
    const refresher = this.config.refresher;
    if (!refresher) return;
    this.refreshing ??= refresher
      .refresh({ kind, url, session })
      .then((fresh) => {
        // The session it was given back (a refresh ahead of the expiry that failed): the jar's
        // cookies are newer than that session's, and reloading would undo what servers set since.
        if (fresh === session) return;
        this.config.writer?.rebase(fresh.generation);
        this.live.replace(fresh);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    await this.refreshing;
  }
}

export interface GateConfig {
  refresher: Refresher | undefined;
  autoRefresh: boolean | undefined;
  /** Told the login generation the jar moves to, so later write-backs merge as that login's. */
  writer: WriteBack | undefined;
  /** timeouts.total: the budget of each send (the one after a refresh gets a new one). */
  totalMs: number;
  deadlines: BodyDeadlines;
  emit: ((event: ReplayEvent) => void) | undefined;
  /** The clock of the staleness re-check. */
  now: () => number;
}
