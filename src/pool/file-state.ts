import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { SessionjarError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { withFileLock } from '../store/lock.js';
import { checkSessionName } from '../store/names.js';
import { emptySnapshot, record, reset, take } from './transitions.js';
import type { Outcome, PoolLimits, PoolSnapshot, PoolState, StateChange, TakeRequest, TakeResult } from './types.js';

const MemberSchema = z.object({
  status: z.enum(['ready', 'cooling', 'quarantined', 'retired']),
  reason: z.string().optional(),
  until: z.number().optional(),
  lastUsed: z.number().optional(),
  lastSeq: z.number(),
  uses: z.number(),
  errorScore: z.number(),
  scoreAt: z.number().optional(),
  refreshFailures: z.number(),
});

const FileSchema = z.object({
  version: z.literal(1),
  seq: z.number(),
  cursor: z.number(),
  current: z.string().optional(),
  members: z.record(z.string(), MemberSchema),
});

/**
 * A pool's state for every process on one machine: `<store dir>/.pools/<pool>.json` (0600, in a
 * 0700 folder), each operation a read–change–write under the file's lock, written atomically.
 *
 * @example
 * ```ts
 * const pool = await openPool('shop', { state: new FilePoolState('/srv/sessions', 'shop') });
 * ```
 */
export class FilePoolState implements PoolState {
  readonly path: string;
  readonly location: string;

  constructor(storeDir: string, pool: string) {
    this.path = join(storeDir, '.pools', `${checkSessionName(pool)}.json`);
    const shown = relative(process.cwd(), this.path);
    this.location = shown.startsWith('..') ? this.path : shown;
  }

  take(request: TakeRequest): Promise<TakeResult> {
    return this.#change((snapshot) => take(snapshot, request));
  }

  record(name: string, outcome: Outcome, limits: PoolLimits, now: number): Promise<StateChange | undefined> {
    return this.#change((snapshot) => record(snapshot, name, outcome, limits, now));
  }

  reset(names: readonly string[], now: number): Promise<StateChange[]> {
    return this.#change((snapshot) => reset(snapshot, names, now));
  }

  async get(): Promise<PoolSnapshot> {
    return (await this.#read()).snapshot;
  }

  async #change<T>(fn: (snapshot: PoolSnapshot) => T): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    return withFileLock(`${this.path}.lock`, async () => {
      const { snapshot, text } = await this.#read();
      const result = fn(snapshot);
      const next = `${JSON.stringify({ version: 1, ...snapshot }, null, 2)}\n`;
      // A good answer usually changes nothing: no write. Losing the last change in a crash costs
      // a last-use time or a cool-down, never the file: written whole, without fsync.
      if (next !== text) await writeFileAtomic(this.path, next, 0o600, { sync: false });
      return result;
    });
  }

  /** The state and the text it was read from (empty when there is no file yet). */
  async #read(): Promise<{ snapshot: PoolSnapshot; text: string }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { snapshot: emptySnapshot(), text: '' };
      throw new SessionjarError('IO_ERROR', `cannot read the pool state ${this.location}: ${(error as Error).message}`, { cause: error });
    }
    let parsed;
    try {
      parsed = FileSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      throw new SessionjarError('INPUT_INVALID', `the pool state ${this.location} is not a pool state file sessionjar wrote; delete it to start the pool afresh (every account ready).`, {
        details: { file: this.location },
      });
    }
    const { version: _version, ...snapshot } = parsed.data;
    return { snapshot: snapshot as PoolSnapshot, text };
  }
}
