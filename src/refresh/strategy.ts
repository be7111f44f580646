import type { ClientOptions } from '../replay/options.js';
import type { Session } from '../session/schema/index.js';

export type StrategyId = 'oauth' | 'silent-sso' | 'recipe' | 'interactive';

export interface StrategyContext {
  env: NodeJS.ProcessEnv;
  /** Proxy, CA, timeouts... for the HTTP strategies and the probe. */
  client: ClientOptions;
  /** A person at a terminal with a display may log in by hand. */
  interactive: boolean;
  browserPath?: string;
  timeoutMs?: number;
  log: (line: string) => void;
}

/** One way to get a fresh login. `skip` says why it does not apply; `run` throws why it failed. */
export interface Strategy {
  id: StrategyId;
  /** For people: "OAuth refresh token", "silent single sign-on"... */
  title: string;
  skip(session: Session, context: StrategyContext): string | undefined;
  /** Returns the session with fresh credentials, unsaved and unprobed. */
  run(session: Session, context: StrategyContext): Promise<Session>;
}
