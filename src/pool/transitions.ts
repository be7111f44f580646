import { plural } from '../core/plural.js';
import type { MemberState, Outcome, PoolLimits, PoolSnapshot, StateChange, TakeRequest, TakeResult } from './types.js';

/**
 * The pool's rules as pure functions over a snapshot, changed in place: the file state runs them
 * under its lock on what it read, the memory state on its own copy. A store that changes counters
 * in place (Redis) runs the same rules in its scripts.
 */

export function emptySnapshot(): PoolSnapshot {
  return { members: {}, seq: 0, cursor: 0 };
}

export function newMember(): MemberState {
  return { status: 'ready', lastSeq: 0, uses: 0, errorScore: 0, refreshFailures: 0 };
}

function member(snapshot: PoolSnapshot, name: string): MemberState {
  return (snapshot.members[name] ??= newMember());
}

/** Cooling and quarantined accounts whose time is up are ready again. */
function wake(snapshot: PoolSnapshot, names: readonly string[], now: number): StateChange[] {
  const changes: StateChange[] = [];
  for (const name of names) {
    const m = member(snapshot, name);
    if ((m.status === 'cooling' || m.status === 'quarantined') && (m.until ?? 0) <= now) {
      const from = m.status;
      const reason = from === 'cooling' ? 'cool-down over' : 'quarantine over';
      Object.assign(m, { status: 'ready', reason });
      delete m.until;
      changes.push({ name, from, to: 'ready', reason, at: now });
    }
  }
  return changes;
}

/** Picks a ready account by the strategy and marks it used; see {@link TakeResult}. */
export function take(snapshot: PoolSnapshot, { names, pick, pinned, now }: TakeRequest): TakeResult {
  const changes = wake(snapshot, names, now);
  const ready = (name: string) => member(snapshot, name).status === 'ready';
  let name: string | undefined;
  if (pinned !== undefined) name = ready(pinned) ? pinned : undefined;
  else if (pick === 'least-recently-used') {
    for (const candidate of names) {
      if (ready(candidate) && (name === undefined || member(snapshot, candidate).lastSeq < member(snapshot, name).lastSeq)) name = candidate;
    }
  } else {
    // round-robin starts after the last one used; use-until-failure stays on its current account.
    const current = pick === 'use-until-failure' ? snapshot.current : undefined;
    if (current !== undefined && names.includes(current) && ready(current)) name = current;
    else {
      const start = pick === 'use-until-failure' && current !== undefined ? names.indexOf(current) + 1 : snapshot.cursor;
      for (let i = 0; i < names.length && name === undefined; i++) {
        const candidate = names[(((start + i) % names.length) + names.length) % names.length] as string;
        if (ready(candidate)) name = candidate;
      }
    }
  }
  const members = Object.fromEntries((pinned === undefined ? names : [pinned]).map((n) => [n, { ...member(snapshot, n) }]));
  if (name === undefined) return { changes, members };
  const m = member(snapshot, name);
  snapshot.seq += 1;
  m.lastSeq = snapshot.seq;
  m.lastUsed = now;
  m.uses += 1;
  if (pinned === undefined && pick !== 'least-recently-used') {
    // use-until-failure moves the cursor too: after an answer that counts against its account
    // (record forgets `current`), the next take starts after that account, not at the first one.
    snapshot.cursor = (names.indexOf(name) + 1) % names.length;
    if (pick === 'use-until-failure') snapshot.current = name;
  }
  return { name, changes, members };
}

/**
 * How close to `maxErrorScore` counts as reaching it: errors a few seconds apart have decayed a
 * little (three 1 s apart at a 60 s half-life make 2.97), yet are as bad as three at once. The Lua
 * script in redis-scripts.ts compares with the same grace.
 */
export const ERROR_SCORE_GRACE = 0.05;

/** The error score now: halved every `halfLifeMs` since it was last changed. */
export function decayedScore(m: MemberState, now: number, halfLifeMs: number): number {
  if (m.errorScore === 0 || m.scoreAt === undefined) return m.errorScore;
  return m.errorScore * 0.5 ** (Math.max(0, now - m.scoreAt) / halfLifeMs);
}

/** Applies one outcome to an account; returns the state change it caused, if any. */
export function record(snapshot: PoolSnapshot, name: string, outcome: Outcome, limits: PoolLimits, now: number): StateChange | undefined {
  const m = member(snapshot, name);
  const from = m.status;
  if (outcome.kind !== 'ok' && snapshot.current === name) delete snapshot.current;
  const move = (to: MemberState['status'], reason: string, until?: number): StateChange | undefined => {
    m.status = to;
    m.reason = reason;
    if (until === undefined) delete m.until;
    else m.until = until;
    if (from === to && to !== 'cooling' && to !== 'quarantined') return undefined;
    return { name, from, to, reason, ...(until === undefined ? {} : { until }), at: now };
  };
  // A retired account stays retired whatever a request still in flight brings back.
  if (from === 'retired') return undefined;
  switch (outcome.kind) {
    case 'ok':
      m.refreshFailures = 0;
      return undefined;
    case 'blocked':
      return move('quarantined', outcome.reason, now + outcome.coolDownMs);
    case 'rate-limited':
      return move('cooling', outcome.reason, now + outcome.coolDownMs);
    case 'error': {
      const score = decayedScore(m, now, limits.errorHalfLifeMs) + 1;
      m.scoreAt = now;
      if (score < limits.maxErrorScore - ERROR_SCORE_GRACE) {
        m.errorScore = score;
        return undefined;
      }
      m.errorScore = 0;
      return move('quarantined', `error score reached ${limits.maxErrorScore} (last: ${outcome.reason})`, now + limits.errorCoolDownMs);
    }
    case 'refresh-failed':
      m.refreshFailures += 1;
      if (m.refreshFailures < limits.maxRefreshFailures) return undefined;
      return move('retired', `refresh failed ${plural(m.refreshFailures, 'time')} in a row (last: ${outcome.reason})`);
  }
}

/** Accounts back to ready with fresh counters; the pool's use counter goes on. */
export function reset(snapshot: PoolSnapshot, names: readonly string[], now: number): StateChange[] {
  const changes: StateChange[] = [];
  for (const name of names) {
    const from = snapshot.members[name]?.status ?? 'ready';
    snapshot.members[name] = { ...newMember(), reason: 'reset by hand' };
    if (from !== 'ready') changes.push({ name, from, to: 'ready', reason: 'reset by hand', at: now });
  }
  return changes;
}
