import { SessionjarError } from '../core/errors.js';
import { LoggedOutSchema, type LoggedOut, type Login, type Probe, type Session, type Step } from '../session/schema/index.js';
import { urlPatternProblem } from '../session/url-pattern.js';
import { defaultStore } from '../store/default-store.js';
import { generationAfter } from '../store/replace.js';
import type { SessionStore } from '../store/types.js';
import { hasDisplay } from './launch.js';
import { checkEnv, loadRecipe, substituteEnv, type Recipe, type Success } from './recipe.js';
import { runLogin } from './run-login.js';
import { summarize, type RecordSummary } from './summary.js';
import { hasCondition } from './wait.js';

export interface RecordOptions {
  name: string;
  /** Login URL; may be omitted when the recipe file has one. */
  url: string;
  /** Path of a recipe: JSON/YAML steps or a script module. */
  recipe?: string;
  steps?: Step[];
  until?: Success;
  /** Default: false with a recipe or steps, else true. */
  interactive?: boolean;
  /** Default: true for an interactive login, false for a recipe. */
  headed?: boolean;
  /** Default: 300 s interactive, 60 s by recipe. */
  timeoutMs?: number;
  browserPath?: string;
  env?: NodeJS.ProcessEnv;
  store?: SessionStore;
  /** On failure, save a screenshot and name it in the error. */
  debug?: boolean;
  onStatus?: (line: string) => void;
  /** Replace an existing session of that name. */
  force?: boolean;
  /** A probe to store in the login block (overrides the recipe's). */
  probe?: Probe;
  /** OAuth token endpoint (absolute, or relative to the login URL) when the page does not call it while logging in. */
  tokenEndpoint?: string;
  /** What a logged-out answer looks like (stored as login.loggedOut); each field given overrides the recipe's. */
  loggedOut?: Partial<LoggedOut>;
  /** Save the session encrypted (README "Encryption"); without it an existing file keeps its state. */
  encrypt?: boolean;
  /** Enter on this stream ends an interactive login; default stdin when it is a terminal. */
  input?: NodeJS.ReadableStream;
}

export interface RecordResult {
  session: Session;
  location: string;
  summary: RecordSummary;
}

export interface PreparedLogin {
  url: string;
  recipe?: Recipe;
  success?: Success;
  probe?: Probe;
  tokenEndpoint?: string;
  loggedOut?: LoggedOut;
}

/** Resolves the recipe, URL and success condition, and checks the environment, before any browser starts. */
export async function prepareLogin(options: Pick<RecordOptions, 'url' | 'recipe' | 'steps' | 'until' | 'probe' | 'tokenEndpoint' | 'loggedOut'>, env: NodeJS.ProcessEnv): Promise<PreparedLogin> {
  const recipe: Recipe | undefined = options.recipe
    ? await loadRecipe(options.recipe)
    : options.steps
      ? { kind: 'steps', steps: options.steps }
      : undefined;
  const source = options.recipe ?? 'steps';
  const fromRecipe = recipe?.kind === 'steps' ? recipe : undefined;
  const rawUrl = options.url || (fromRecipe?.url ? substituteEnv(fromRecipe.url, env, `${source}: url`) : '');
  if (!rawUrl) throw new SessionjarError('USAGE', 'no login URL: pass --url <login-url> (or put "url" in the recipe).');
  let url: string;
  try {
    url = new URL(rawUrl).href;
  } catch {
    throw new SessionjarError('USAGE', `--url: "${rawUrl}" is not an absolute URL; give one like https://example.com/login.`);
  }
  if (fromRecipe) checkEnv(fromRecipe.steps, env, source);
  for (const [key, option] of [['url', '--until-url'], ['request', '--until-request']] as const) {
    const pattern = options.until?.[key];
    const problem = pattern === undefined ? undefined : urlPatternProblem(pattern);
    if (problem) throw new SessionjarError('USAGE', `${option}: ${problem}. See "Patterns" in docs/session-format.md.`);
  }
  const merged = { ...fromRecipe?.success, ...options.until };
  const success = hasCondition(merged) ? merged : undefined;
  const probe = options.probe ?? fromRecipe?.probe;
  const endpoint = options.tokenEndpoint ?? fromRecipe?.tokenEndpoint;
  const tokenEndpoint = endpoint ? new URL(endpoint, url).href : undefined;
  const loggedOut = options.loggedOut || fromRecipe?.loggedOut ? LoggedOutSchema.parse({ ...fromRecipe?.loggedOut, ...options.loggedOut }) : undefined;
  return {
    url,
    ...(recipe ? { recipe } : {}),
    ...(success ? { success } : {}),
    ...(probe ? { probe } : {}),
    ...(tokenEndpoint ? { tokenEndpoint } : {}),
    ...(loggedOut ? { loggedOut } : {}),
  };
}

/** The login block that lets a refresh repeat this login: steps inline, a script by its path. */
export function loginBlock(prepared: PreparedLogin, envNames: string[], learned: { signInUrl?: string; returnsToUrl?: boolean } = {}): Login {
  const { recipe } = prepared;
  const start = new URL(prepared.url);
  // Kept only when it is another page than the start URL: the logged-out rule falls back to that.
  const signInUrl = learned.signInUrl !== `${start.origin}${start.pathname}` ? learned.signInUrl : undefined;
  return {
    url: prepared.url,
    ...(signInUrl ? { signInUrl } : {}),
    ...(signInUrl && learned.returnsToUrl ? { returnsToUrl: true } : {}),
    ...(recipe?.kind === 'steps' ? { steps: recipe.steps } : {}),
    ...(recipe?.kind === 'script' ? { recipe: recipe.file } : {}),
    ...(prepared.success ? { success: prepared.success } : {}),
    ...(prepared.probe ? { probe: prepared.probe } : {}),
    ...(prepared.loggedOut ? { loggedOut: prepared.loggedOut } : {}),
    env: envNames,
    ...(prepared.tokenEndpoint ? { tokenEndpoint: prepared.tokenEndpoint } : {}),
  };
}

/**
 * Records a login: interactively (a person in a headed browser) or by recipe (headless unless
 * `headed`), then saves the captured session. Nothing is written when the login fails.
 *
 * @example
 * const { location, summary } = await recordSession({
 *   name: 'demo',
 *   url: 'http://127.0.0.1:8080/login',
 *   recipe: 'recipes/demo.json', // steps with ${env:DEMO_USER} and ${env:DEMO_PASSWORD}
 * });
 */
export async function recordSession(options: RecordOptions): Promise<RecordResult> {
  const env = options.env ?? process.env;
  const store = options.store ?? defaultStore(env);
  if (!options.force && (await store.exists(options.name))) {
    throw new SessionjarError('SESSION_EXISTS', `${store.locate(options.name)} already exists; pass --force to record over it, or choose another name.`);
  }
  const prepared = await prepareLogin(options, env);
  const interactive = options.interactive ?? !prepared.recipe;
  if (interactive && prepared.recipe) {
    throw new SessionjarError('USAGE', 'a recipe runs by itself: drop --interactive, or drop --recipe to log in by hand.');
  }
  if (!interactive && !prepared.recipe) {
    throw new SessionjarError('USAGE', 'nothing to log in with: give --recipe <file>, or record interactively in a headed browser.');
  }
  const headed = options.headed ?? interactive;
  // A headless interactive recording is for programs that drive the page themselves (tests, CDP).
  if (interactive && headed && !hasDisplay(env)) {
    throw new SessionjarError(
      'NO_DISPLAY',
      'no display for an interactive login (DISPLAY and WAYLAND_DISPLAY are unset). Record by recipe instead (--recipe <file>, see docs/recipes.md), or run under a virtual display: xvfb-run -a sessionjar record ...',
    );
  }
  // Without a condition, the signs of a finished login end it (and Enter, at a terminal).
  const input = options.input ?? (interactive && process.stdin.isTTY ? process.stdin : undefined);
  const { session: captured, envNames, signInUrl, returnsToUrl } = await runLogin({
    name: options.name,
    url: prepared.url,
    ...(prepared.recipe ? { recipe: prepared.recipe } : {}),
    ...(prepared.success ? { success: prepared.success } : {}),
    ...(prepared.tokenEndpoint ? { tokenEndpoint: prepared.tokenEndpoint } : {}),
    headed,
    timeoutMs: options.timeoutMs ?? (interactive ? 300_000 : 60_000),
    browserPath: options.browserPath,
    env,
    ...(input ? { input } : {}),
    debug: options.debug,
    onStatus: options.onStatus,
  });
  const generation = options.force ? await generationAfter(store, options.name) : undefined;
  const session: Session = { ...captured, ...(generation === undefined ? {} : { generation }), login: loginBlock(prepared, envNames, { signInUrl, returnsToUrl }) };
  await store.save(options.name, session, options.encrypt ? { encrypt: true } : {});
  const location = store.locate(options.name);
  return { session, location, summary: summarize(session, location) };
}
