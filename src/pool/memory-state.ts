import { emptySnapshot, record, reset, take } from './transitions.js';
import type { Outcome, PoolLimits, PoolSnapshot, PoolState, StateChange, TakeRequest, TakeResult } from './types.js';

/**
 * The state of a pool used by one process only (a MemoryStore's pool, tests).
 *
 * @example
 * ```ts
 * const pool = await openPool('shop', { state: new MemoryPoolState('shop') });
 * ```
 */
export class MemoryPoolState implements PoolState {
  readonly location: string;
  readonly #snapshot: PoolSnapshot = emptySnapshot();

  constructor(name: string) {
    this.location = `memory:.pools/${name}`;
  }

  async take(request: TakeRequest): Promise<TakeResult> {
    return take(this.#snapshot, request);
  }

  async record(name: string, outcome: Outcome, limits: PoolLimits, now: number): Promise<StateChange | undefined> {
    return record(this.#snapshot, name, outcome, limits, now);
  }

  async reset(names: readonly string[], now: number): Promise<StateChange[]> {
    return reset(this.#snapshot, names, now);
  }

  async get(): Promise<PoolSnapshot> {
    return structuredClone(this.#snapshot);
  }
}
