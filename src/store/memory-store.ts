import { SessionjarError } from '../core/errors.js';
import { touch } from '../session/new-session.js';
import type { Session } from '../session/schema/index.js';
import { checkLockScope, checkSessionName, isPathRef } from './names.js';
import type { SessionEntry, SessionStore } from './types.js';
import { validateForSave } from './validate.js';

/**
 * Sessions kept in memory, with the file store's semantics: validated on save, deep copies in and
 * out (a caller mutating what it got changes nothing stored), updates serialised per session.
 * For tests and for library users who keep sessions elsewhere.
 */
export class MemoryStore implements SessionStore {
  readonly #sessions = new Map<string, Session>();
  /** The tail of each lock's queue: the next holder waits for it. */
  readonly #queues = new Map<string, Promise<unknown>>();

  locate(ref: string): string {
    return `memory:${key(ref)}`;
  }

  async load(ref: string): Promise<Session> {
    const session = this.#sessions.get(key(ref));
    if (!session) {
      throw new SessionjarError('SESSION_NOT_FOUND', `no session named "${ref}" in the memory store. Save one first.`, {
        details: { file: this.locate(ref) },
      });
    }
    return structuredClone(session);
  }

  async save(ref: string, session: Session): Promise<void> {
    this.#sessions.set(key(ref), validateForSave(structuredClone(session), this.locate(ref)));
  }

  async list(): Promise<SessionEntry[]> {
    return [...this.#sessions.keys()]
      .sort()
      .map((name) => ({ name, location: this.locate(name), session: structuredClone(this.#sessions.get(name)) }));
  }

  async delete(ref: string): Promise<boolean> {
    return this.#serialise(`${key(ref)}\u0000update`, async () => this.#sessions.delete(key(ref)));
  }

  async exists(ref: string): Promise<boolean> {
    return this.#sessions.has(key(ref));
  }

  async update(ref: string, fn: (current: Session) => Session | Promise<Session>): Promise<Session> {
    return this.#serialise(`${key(ref)}\u0000update`, async () => {
      const next = validateForSave(touch(await fn(await this.load(ref))), this.locate(ref));
      this.#sessions.set(key(ref), next);
      return structuredClone(next);
    });
  }

  async withLock<T>(ref: string, scope: string, fn: () => Promise<T>): Promise<T> {
    return this.#serialise(`${key(ref)}\u0000${checkLockScope(scope)}`, fn);
  }

  #serialise<T>(lock: string, fn: () => Promise<T>): Promise<T> {
    const result = (this.#queues.get(lock) ?? Promise.resolve()).then(fn);
    const tail = result.catch(() => undefined);
    this.#queues.set(lock, tail);
    // Forget the queue once idle so the map does not grow with every name ever locked.
    void tail.then(() => {
      if (this.#queues.get(lock) === tail) this.#queues.delete(lock);
    });
    return result;
  }
}

function key(ref: string): string {
  if (isPathRef(ref)) {
    throw new SessionjarError('USAGE', `the memory store holds sessions by name, not path: "${ref}". Use a name such as "github".`);
  }
  return checkSessionName(ref);
}
