import { SessionjarError } from '../core/errors.js';
import type { Login, Session } from '../session/schema/index.js';
import { hasDisplay } from './launch.js';
import { checkEnv, loadRecipe, type Recipe } from './recipe.js';
import { runLogin } from './run-login.js';

export interface LoginOptions {
  env?: NodeJS.ProcessEnv;
  headed?: boolean;
  browserPath?: string;
  /** Default 60 s by recipe, 300 s by hand. */
  timeoutMs?: number;
  /** Name of the returned session. Default "login". */
  name?: string;
  debug?: boolean;
  /** Where the page's OAuth token endpoint is, when it does not call it while logging in; default login.tokenEndpoint. */
  tokenEndpoint?: string;
  onStatus?: (line: string) => void;
}

/**
 * Repeats a recorded login (the session file's `login` block) and returns the freshly captured state,
 * unsaved: the caller merges it into the stored session. Steps run headless; a script recipe is
 * loaded from its path; a login with neither needs a person, so a headed browser and a display (it
 * ends at the success condition, or by itself once the signs of a finished login agree).
 *
 * @example
 * const stored = await store.load('demo');
 * const fresh = await loginWithRecipe(stored.login!, { env: process.env });
 */
export async function loginWithRecipe(login: Login, options: LoginOptions = {}): Promise<Session> {
  const env = options.env ?? process.env;
  let recipe: Recipe | undefined;
  if (login.steps) {
    checkEnv(login.steps, env, 'login.steps');
    recipe = { kind: 'steps', file: 'login.steps', steps: login.steps };
  } else if (login.recipe) {
    recipe = await loadRecipe(login.recipe);
  }
  if (!recipe && !hasDisplay(env)) {
    throw new SessionjarError('NO_DISPLAY', 'this session was recorded by hand and there is no display to log in again. Record it again by recipe (sessionjar record <name> --recipe <file> --force), or run under xvfb-run -a.');
  }
  const { session } = await runLogin({
    name: options.name ?? 'login',
    url: login.url,
    ...(recipe ? { recipe } : {}),
    ...(login.success ? { success: login.success } : {}),
    ...((options.tokenEndpoint ?? login.tokenEndpoint) ? { tokenEndpoint: options.tokenEndpoint ?? login.tokenEndpoint } : {}),
    headed: options.headed ?? !recipe,
    timeoutMs: options.timeoutMs ?? (recipe ? 60_000 : 300_000),
    browserPath: options.browserPath,
    env,
    debug: options.debug,
    onStatus: options.onStatus,
  });
  return { ...session, login };
}
