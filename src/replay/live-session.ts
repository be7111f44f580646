import type { Session } from '../session/schema/index.js';
import { HeaderPolicy, lowerKeys } from './headers.js';
import { SessionCookieJar } from './jar.js';

/**
 * What every piece of a client reads and a refresh or `clear()` replaces: the session state, its
 * cookie jar and the header policy built from both.
 *
 * @example
 * ```ts
 * const live = new LiveSession(session, { 'x-client': 'script' });
 * live.replace(await refresher.refresh(reason));
 * ```
 */
export class LiveSession {
  /** The loaded (or last refreshed) session; its cookies are the jar's starting point only. */
  state: Session;
  readonly jar: SessionCookieJar;
  readonly policy: HeaderPolicy;
  private snapshot: { state: Session; version: number; session: Session } | undefined;

  constructor(session: Session, clientHeaders: Record<string, string> | undefined) {
    this.state = session;
    this.jar = new SessionCookieJar(session.cookies);
    this.policy = new HeaderPolicy(session, this.jar, lowerKeys(clientHeaders));
  }

  /**
   * The session as it stands now: the state with the jar's current cookies. The same object until
   * something changes, so a refresher's staleness check can cache by it.
   */
  get session(): Session {
    const snap = this.snapshot;
    if (snap && snap.state === this.state && snap.version === this.jar.version) return snap.session;
    const session = { ...this.state, cookies: this.jar.list() };
    this.snapshot = { state: this.state, version: this.jar.version, session };
    return session;
  }

  /** A refreshed session: its cookies, headers and storage replace the current ones. */
  replace(fresh: Session): void {
    this.state = fresh;
    this.jar.load(fresh.cookies);
    this.policy.reload(fresh);
  }

  /** A blank session: no cookies, storage or per-origin headers (the defaults stay). */
  clear(): void {
    this.jar.clear();
    this.state = { ...this.state, cookies: [], origins: [], headers: { ...this.state.headers, origins: {} } };
    this.policy.reload(this.state);
  }
}
