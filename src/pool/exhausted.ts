import { SessionjarError } from '../core/errors.js';
import type { MemberState } from './types.js';

/**
 * POOL_EXHAUSTED: no account (or not the pinned one) is ready. Names each one's state and reason,
 * and the soonest back.
 */
export function exhausted(pool: string, members: Record<string, MemberState>, now: number, pinned?: string): SessionjarError {
  const entries = Object.entries(members);
  const lines = entries.map(([name, m]) => `  - ${name}: ${describe(m, now)}`);
  const soonest = entries
    .filter(([, m]) => m.until !== undefined)
    .sort(([, a], [, b]) => (a.until as number) - (b.until as number))[0];
  const next = soonest
    ? `The soonest back is ${soonest[0]}, at ${new Date(soonest[1].until as number).toISOString()}.`
    : `Every one is retired: refresh or record them again (\`sessionjar refresh ${entries[0]?.[0] ?? pool}\`), then reset the pool's state (\`sessionjar pool reset ${pool}\`).`;
  const what = pinned === undefined ? `no account of pool "${pool}" is ready` : `session "${pinned}" of pool "${pool}" is not ready`;
  return new SessionjarError('POOL_EXHAUSTED', `${what}:\n${lines.join('\n')}\n${next}`, {
    details: { pool, ...(soonest ? { soonest: soonest[0], until: new Date(soonest[1].until as number).toISOString() } : {}) },
  });
}

/** "quarantined until 2026-12-08T00:10:00.000Z (in 42 s): HTTP 403 from …" */
export function describe(m: MemberState, now: number): string {
  const until = m.until === undefined ? '' : ` until ${new Date(m.until).toISOString()} (in ${Math.max(0, Math.ceil((m.until - now) / 1000))} s)`;
  return `${m.status}${until}${m.reason ? `: ${m.reason}` : ''}`;
}
