import type { SessionStore } from './types.js';

/**
 * The login generation of a session saved over `name` by a new login (`record --force`,
 * `import --force`): one past the session it replaces, as a refresh would give, so processes that
 * have the old login open take the new one up and their late cookie updates from the old login are
 * not merged over it. A session that is not there, or cannot be read, was open nowhere: none.
 */
export async function generationAfter(store: SessionStore, name: string): Promise<number | undefined> {
  const old = await store.load(name).catch(() => undefined);
  return old === undefined ? undefined : (old.generation ?? 0) + 1;
}
