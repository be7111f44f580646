import { SessionjarError, isSessionjarError } from '../core/errors.js';
import { scrubText } from '../core/redact.js';
import type { ClientOptions, RefreshReason, Refresher } from '../replay/options.js';
import { expiringFrom, sessionExpiry } from '../session/expiry.js';
import { cookieKey, generationOf, mergeCookies } from '../session/merge.js';
import type { Session } from '../session/schema/index.js';
import type { SessionStore } from '../store/types.js';
import { oauthStrategy, restampJwts } from './oauth.js';
import { runProbe, type ProbeResult } from './probe.js';
import { interactiveStrategy, recipeStrategy } from './relogin.js';
import { silentSsoStrategy } from './silent-sso.js';
import { SingleFlight } from './single-flight.js';
import type { Strategy, StrategyContext, StrategyId } from './strategy.js';

export type { RefreshReason, Refresher } from '../replay/options.js';
export type { StrategyId } from './strategy.js';

/** In the order they are tried: cheapest first, a person last. */
export const STRATEGIES: readonly Strategy[] = [oauthStrategy, silentSsoStrategy, recipeStrategy, interactiveStrategy];

export interface RefreshOptions {
  store: SessionStore;
  /** Session name or path, as the store takes it. */
  name: string;
  env?: NodeJS.ProcessEnv;
  /** Allow a login by hand in a browser window. Default: stdin and stdout are terminals and there is a display. */
  interactive?: boolean;
  /** A session this close to its expiry counts as stale. Default 60 s; at most half a credential's known lifetime. */
  marginSeconds?: number;
  /** Proxy, CA, timeouts for the HTTP strategies and the probe. */
  client?: ClientOptions;
  browserPath?: string;
  /** Time limit of a browser login. */
  timeoutMs?: number;
  /** Progress for -v: which strategy runs, what it did. */
  onStatus?: (line: string) => void;
  /**
   * Leave secrets in progress lines and outcome reasons. Default false: text from servers (an error
   * answer, a redirect URL) has tokens, cookies and codes scrubbed.
   */
  reveal?: boolean;
}

export interface StrategyOutcome {
  strategy: StrategyId;
  outcome: 'skipped' | 'failed' | 'ok';
  reason: string;
}

export interface RefreshResult {
  session: Session;
  /** What worked; absent when another process had already refreshed the file. */
  strategy?: StrategyId;
  /** true when another process refreshed the session while this one waited for the lock. */
  refreshedElsewhere: boolean;
  outcomes: StrategyOutcome[];
  probe?: ProbeResult;
}

export function defaultInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  const display = process.platform === 'darwin' || process.platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && display;
}

/**
 * Another process refreshed the file since `seen` was read: its login generation moved (only a
 * refresh, or a new recording, moves it; a write-back of cookies never does, whatever the cookies
 * are called), and it is not expired by its own clock.
 */
function refreshedSince(seen: Session, current: Session): boolean {
  return generationOf(current) !== generationOf(seen) && sessionExpiry(current, { marginSeconds: 0 }).state !== 'expired';
}

/**
 * The refresh's changes applied to the file as it is now: cookies the refresh set or removed merge
 * into the current jar (newest wins, as every write-back); storage, headers and tokens are the
 * refresh's; the login generation moves on by one, which tells other processes waiting for the
 * refresh lock that this login is new (and keeps their older write-backs from undoing it).
 */
export function applyRefresh(disk: Session, base: Session, refreshed: Session, nowMs = Date.now()): Session {
  const before = new Map(base.cookies.map((c) => [cookieKey(c), c]));
  const set = refreshed.cookies
    .filter((c) => {
      const old = before.get(cookieKey(c));
      return !old || old.value !== c.value || old.expires !== c.expires;
    })
    .map((c) => ({ ...c, setAt: Math.max(c.setAt ?? 0, nowMs) }));
  const kept = new Set(refreshed.cookies.map(cookieKey));
  const removed = base.cookies.filter((c) => !kept.has(cookieKey(c))).map((c) => ({ key: cookieKey(c), at: nowMs }));
  return {
    ...disk,
    generation: Math.max(generationOf(disk), generationOf(base)) + 1,
    cookies: mergeCookies(disk.cookies, { set, removed }, nowMs / 1000),
    origins: refreshed.origins,
    headers: refreshed.headers,
    ...(refreshed.tokens ? { tokens: refreshed.tokens } : {}),
  };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return isSessionjarError(error) ? `${error.code}: ${message}` : message;
}

function nextStep(name: string, session: Session): string {
  // Without a login block (an imported session) not even a person can log in again through refresh.
  if (!session.login) return `The session has no login block (it was imported, not recorded): record it with \`sessionjar record ${name} --url <login-url> --force\`, or import a fresh copy with --force.`;
  return `Run \`sessionjar refresh ${name}\` in a terminal with a display to log in by hand, or record it again: \`sessionjar record ${name} --url ${session.login.url} --force\`.`;
}

function failure(name: string, location: string, session: Session, outcomes: StrategyOutcome[]): SessionjarError {
  const lines = outcomes.map((o) => `  - ${STRATEGIES.find((s) => s.id === o.strategy)?.title ?? o.strategy}: ${o.outcome === 'skipped' ? 'not applicable' : 'failed'}: ${o.reason}`);
  const details = { file: location, strategies: outcomes };
  if (!outcomes.some((o) => o.outcome === 'failed')) {
    return new SessionjarError('SESSION_EXPIRED', `session "${name}" has expired and no strategy can refresh it here:\n${lines.join('\n')}\n${nextStep(name, session)}`, { details });
  }
  return new SessionjarError('REFRESH_FAILED', `refresh of session "${name}" failed; ${location} was left unchanged:\n${lines.join('\n')}\n${nextStep(name, session)}`, { details });
}

/**
 * Logs the session in again, once across processes: returns the file as it is when another process
 * refreshed it since `seen` (checked before the store's "refresh" lock and again under it), else
 * tries each strategy that applies; the probe (when the session has one) must pass before anything
 * is saved.
 * A failure writes nothing: REFRESH_FAILED (or SESSION_EXPIRED when no strategy applied) lists
 * each strategy and why it did not work.
 */
export async function refreshSession(options: RefreshOptions & { seen?: Session }): Promise<RefreshResult> {
  const { store, name } = options;
  const env = options.env ?? process.env;
  const scrub = (text: string) => scrubText(text, options.reveal);
  const log = (line: string) => options.onStatus?.(scrub(line));
  const context: StrategyContext = {
    env,
    client: { ...options.client, env: options.client?.env ?? env },
    interactive: options.interactive ?? defaultInteractive(env),
    browserPath: options.browserPath,
    timeoutMs: options.timeoutMs,
    log,
  };
  const { seen } = options;
  /** The stored session, taken up when another process logged in since `seen`: then no login here. */
  const takeUp = (current: Session): RefreshResult | undefined => {
    if (!seen || !refreshedSince(seen, current)) return undefined;
    log('another process refreshed the session meanwhile; using its result');
    return { session: current, refreshedElsewhere: true, outcomes: [] };
  };
  // A fleet's processes find the expiry alike, and one login serves them all: one that comes late
  // takes it up without queueing for the lock behind the others.
  const early = seen ? takeUp(await store.load(name)) : undefined;
  if (early) return early;
  // While another process holds the lock, a store that can tell (Redis) lets this one go on as soon
  // as that process commits its login, rather than when this one's turn for the lock comes.
  const settled = async () => takeUp(await store.load(name));
  return store.withLock(name, 'refresh', async () => {
    const current = await store.load(name);
    const done = takeUp(current);
    if (done) return done;
    const outcomes: StrategyOutcome[] = [];
    for (const strategy of STRATEGIES) {
      const skip = strategy.skip(current, context);
      if (skip) {
        outcomes.push({ strategy: strategy.id, outcome: 'skipped', reason: skip });
        log(`${strategy.title}: not applicable (${skip})`);
        continue;
      }
      log(`trying ${strategy.title}`);
      try {
        const candidate = restampJwts(await strategy.run(current, context));
        const probe = await runProbe(candidate, context.client);
        if (probe && !probe.ok) throw new Error(`the new session did not pass the probe: ${probe.method} ${probe.url} ${probe.reason}`);
        if (probe) log(`probe ${probe.method} ${probe.url}: ${probe.reason}`);
        const session = await store.update(name, (disk) => applyRefresh(disk, current, candidate));
        outcomes.push({ strategy: strategy.id, outcome: 'ok', reason: probe ? `probe passed (${probe.reason})` : 'no probe to confirm' });
        log(`refreshed by ${strategy.title}`);
        return { session, strategy: strategy.id, refreshedElsewhere: false, outcomes, ...(probe ? { probe } : {}) };
      } catch (error) {
        const reason = scrub(describe(error));
        outcomes.push({ strategy: strategy.id, outcome: 'failed', reason });
        log(`${strategy.title} failed: ${reason}`);
      }
    }
    throw failure(name, store.locate(name), current, outcomes);
  }, seen ? { settled } : {});
}

/** What the refresher knows of one session object: when it counts as stale (never: undefined), when it expires. */
interface Judged {
  expiringAt?: number;
  expiresAt?: number;
}

export interface RefresherOptions extends RefreshOptions {
  /** Called after every refresh that ran or found one done elsewhere (for -v and logs). */
  onRefresh?: (result: RefreshResult) => void;
}

/**
 * The refresher the replay client is handed. Stale means expired or expiring by the file's own
 * clock (a credential gets at most half its known lifetime as margin: `effectiveMargin`), except
 * for a login generation this refresher produced or took up that was already inside its margin when
 * it did (a login that grants less than the margin must not re-run on every request, nor on every
 * cookie a server sets); one that came with time to spare goes stale again in its turn, so a
 * long-running process refreshes once per lifetime. A stale session that has not expired is
 * `stillValid`: the client refreshes it in the background and goes on sending with it, and on a
 * shared store the other processes wait for the refresh lock in the background too, then take up
 * the one login. Concurrent calls share one refresh (single flight); a call carrying an older
 * session than the file's just returns the file.
 *
 * @example
 * ```ts
 * const refresher = createRefresher({ store: defaultStore(), name: 'github' });
 * const session = await openSession('github', { refresher });
 * ```
 */
export function createRefresher(options: RefresherOptions): Refresher {
  const flight = new SingleFlight<Session>();
  const margin = options.marginSeconds ?? 60;
  /** The login generation this refresher last produced or settled on, and when (Unix seconds). */
  let produced: number | undefined;
  let settledAt = 0;
  let latest: Session | undefined;
  /** Sessions another process logged in, which this refresher only took up. */
  const adopted = new WeakSet<Session>();
  // isStale runs before every request: the expiry of a session object is computed once.
  let known = new WeakMap<Session, Judged>();
  const judge = (session: Session): Judged => {
    let info = known.get(session);
    if (!info) {
      const expiringAt = expiringFrom(session, { marginSeconds: margin });
      // Ours and inside its margin from the start: never stale by the clock (a logged-out answer still refreshes).
      const exempt = generationOf(session) === produced && (expiringAt === undefined || expiringAt <= settledAt);
      info = { expiringAt: exempt ? undefined : expiringAt, expiresAt: expiringFrom(session, { marginSeconds: 0 }) };
      known.set(session, info);
    }
    return info;
  };
  const settle = (session: Session): void => {
    produced = generationOf(session);
    settledAt = Date.now() / 1000;
    known = new WeakMap();
  };
  return {
    isStale(session: Session): boolean {
      const { expiringAt } = judge(session);
      return expiringAt !== undefined && Date.now() / 1000 >= expiringAt;
    },
    stillValid(session: Session): boolean {
      const { expiresAt } = judge(session);
      return expiresAt !== undefined && Date.now() / 1000 < expiresAt;
    },
    adopted: (session: Session) => adopted.has(session),
    refresh(reason: RefreshReason): Promise<Session> {
      return flight.run(async () => {
        const seen = reason.session ?? latest;
        let result: RefreshResult;
        try {
          result = await refreshSession({ ...options, seen });
        } catch (error) {
          // Only expiring, not expired: the session still works, so the request goes on with it and
          // no other request retries the refresh until the next logged-out answer.
          if (reason.kind === 'stale' && seen && sessionExpiry(seen, { marginSeconds: 0 }).state !== 'expired') {
            settle(seen);
            options.onStatus?.(scrubText(`refresh ahead of the expiry failed; going on with the current session (${describe(error).split('\n')[0]})`, options.reveal));
            return seen;
          }
          throw error;
        }
        settle(result.session);
        latest = result.session;
        if (result.refreshedElsewhere) adopted.add(result.session);
        options.onRefresh?.(result);
        return result.session;
      });
    },
  };
}
