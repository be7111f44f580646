import { openSession as openReplaySession, type SessionClient } from '../replay/client.js';
import type { ClientOptions } from '../replay/options.js';
import { defaultStore } from '../store/default-store.js';
import { createRefresher, type RefresherOptions } from './refresher.js';

export interface OpenSessionOptions extends ClientOptions {
  /** How the automatic refresh runs (margin, environment for the recipe, progress callback...). */
  refresh?: Partial<Omit<RefresherOptions, 'store' | 'name'>>;
}

/**
 * The library's openSession: the replay client with automatic refresh on. A `refresher` of your own
 * replaces ours; `autoRefresh: false` turns refreshing off entirely, as through `openSessionFrom`:
 * no refresh before a request on staleness and none after a logged-out answer, even with a
 * `refresher` given (the session is used as it is). replay/ never imports refresh/: the refresher
 * is handed in here.
 *
 * @example
 * ```ts
 * const session = await openSession('github', { refresh: { marginSeconds: 120 } });
 * try {
 *   const res = await session.request('https://api.github.com/user'); // logs in again by itself if needed
 * } finally {
 *   await session.close();
 * }
 * ```
 */
export async function openSession(nameOrPath: string, options: OpenSessionOptions = {}): Promise<SessionClient> {
  const { refresh, ...client } = options;
  if (client.autoRefresh === false || client.refresher) return openReplaySession(nameOrPath, client);
  const env = client.env ?? process.env;
  const store = client.store ?? defaultStore(env);
  const refresher = createRefresher({ env, client, ...refresh, store, name: nameOrPath });
  return openReplaySession(nameOrPath, { ...client, store, refresher });
}
