import { scrubText } from '../core/redact.js';
import { sessionExpiry, type ExpiryState } from '../session/expiry.js';
import { runProbe } from './probe.js';
import { STRATEGIES, refreshSession, type RefreshOptions, type StrategyId, type StrategyOutcome } from './refresher.js';
import { describeStatus } from './status.js';

export interface RefreshCommandResult {
  name: string;
  refreshed: boolean;
  /** The strategy that worked. */
  strategy?: StrategyId;
  refreshedElsewhere?: boolean;
  state: ExpiryState;
  /** ISO time. */
  expiresAt?: string;
  outcomes: StrategyOutcome[];
  /** One line for people. */
  message: string;
}

/**
 * `sessionjar refresh`: refresh now, or with `ifNeeded` only when the session is expiring or
 * expired by its own clock, or its expiry is unknown and its probe fails. A session with an unknown
 * expiry and no probe is left alone under `ifNeeded` (nothing says it needs it; a cron job must not
 * open a browser every run).
 */
export async function refreshIfNeeded(options: RefreshOptions & { ifNeeded: boolean }): Promise<RefreshCommandResult> {
  const { store, name } = options;
  let seen;
  if (options.ifNeeded) {
    seen = await store.load(name);
    const expiry = sessionExpiry(seen, { marginSeconds: options.marginSeconds });
    let why: string | undefined;
    if (expiry.state === 'valid') why = describeStatus({ name, ...expiry });
    if (expiry.state === 'unknown') {
      const probe = await runProbe(seen, options.client);
      if (!probe) why = `${name}: expiry unknown and the session has no probe; not refreshed (run without --if-needed to force)`;
      else if (probe.ok) why = `${name}: probe ${probe.method} ${probe.url} passed (${probe.reason}); not refreshed`;
      else options.onStatus?.(scrubText(`probe ${probe.method} ${probe.url} ${probe.reason}`, options.reveal));
    }
    if (why) return { name, refreshed: false, ...stamp(expiry.state, expiry.expiresAt), outcomes: [], message: `${why}; nothing to do` };
  }
  const result = await refreshSession({ ...options, ...(seen ? { seen } : {}) });
  const expiry = sessionExpiry(result.session, { marginSeconds: 0 });
  const title = STRATEGIES.find((s) => s.id === result.strategy)?.title;
  const until = expiry.expiresAt === undefined ? '' : `; ${describeStatus({ name, ...expiry }).slice(name.length + 2)}`;
  const message = result.refreshedElsewhere
    ? `${name}: already refreshed by another process${until}`
    : `${name}: refreshed by ${title}${result.strategy === 'oauth' || result.strategy === 'silent-sso' ? ' (no browser)' : ''}${until}`;
  return {
    name,
    refreshed: !result.refreshedElsewhere,
    ...(result.strategy ? { strategy: result.strategy } : {}),
    refreshedElsewhere: result.refreshedElsewhere,
    ...stamp(expiry.state, expiry.expiresAt),
    outcomes: result.outcomes,
    message,
  };
}

function stamp(state: ExpiryState, expiresAt: number | undefined): { state: ExpiryState; expiresAt?: string } {
  return { state, ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt * 1000).toISOString() }) };
}
