import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { SessionjarError, isSessionjarError } from '../core/errors.js';
import { scrubSecrets } from '../core/redact.js';
import type { Session } from '../session/schema/index.js';
import { totp } from '../session/totp.js';
import { captureState } from './capture.js';
import { FailureWatch, LoginRefused } from './failure.js';
import { launchBrowser } from './launch.js';
import { envNamesOf, type Recipe, type Success } from './recipe.js';
import { LoginSigns } from './signs.js';
import { runSteps } from './steps.js';
import { describeSuccess, hasCondition, waitForSuccess } from './wait.js';
import { watchWire } from './wire.js';

export interface LoginRun {
  /** Name given to the captured session. */
  name: string;
  url: string;
  /** Absent: a person logs in (interactive). */
  recipe?: Recipe;
  success?: Success;
  /** OAuth token endpoint to record when the page does not call one itself. */
  tokenEndpoint?: string;
  headed: boolean;
  timeoutMs: number;
  browserPath?: string;
  env: NodeJS.ProcessEnv;
  /** Enter on this stream ends an interactive login. */
  input?: NodeJS.ReadableStream;
  debug?: boolean;
  onStatus?: (line: string) => void;
}

export interface LoginResult {
  session: Session;
  /** Environment variables the recipe read (names only). */
  envNames: string[];
  /** Where the last password was submitted (origin and path), when one was. */
  signInUrl?: string;
  /** A page loaded the login URL again after the password was submitted. */
  returnsToUrl?: boolean;
}

/** How long the page may keep talking after success before the state is captured. */
const SETTLE_MS = 2000;

/**
 * Opens a browser at the login URL, lets the recipe or a person log in, waits for the success
 * condition and captures the state. Any failure is LOGIN_FAILED with the last URL, scrubbed of every
 * value typed; the browser is always closed.
 */
export async function runLogin(run: LoginRun): Promise<LoginResult> {
  const secrets = new Set<string>();
  const envNames = new Set<string>();
  const browser = await launchBrowser({ headed: run.headed, browserPath: run.browserPath, env: run.env });
  let page: Page | undefined;
  try {
    const context = await browser.newContext();
    const wire = watchWire(context);
    const signs = await LoginSigns.watch(context, wire);
    page = await context.newPage();
    // Only steps say which form is submitted when; a person may mistype and try again.
    const watch = run.recipe?.kind === 'steps' ? new FailureWatch(page) : undefined;
    const deadline = Date.now() + run.timeoutMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    run.onStatus?.(`opening ${run.url}`);
    await page.goto(run.url, { timeout: remaining() });
    if (run.recipe?.kind === 'steps') {
      await runSteps(run.recipe.steps, { page, context, wire, loginUrl: run.url, env: run.env, secrets, deadline, source: run.recipe.file ?? 'recipe', ...(watch ? { watch } : {}), onStatus: run.onStatus });
    } else if (run.recipe?.kind === 'script') {
      await runScript(run.recipe, page, context, run.env, secrets, envNames, remaining());
    }
    if (hasCondition(run.success) || !run.recipe) {
      const outcome = await waitForSuccess(context, wire, run.success, {
        timeoutMs: remaining(),
        input: run.input,
        onStatus: run.onStatus,
        ...(watch ? { refused: () => watch.check() } : {}),
        // By hand with no --until-*: the signs of a finished login end it.
        ...(!run.recipe && !hasCondition(run.success) ? { signs } : {}),
      });
      if (!outcome.ok && outcome.reason === 'refused') throw new LoginRefused(outcome.seen);
      if (!outcome.ok) {
        throw new SessionjarError(
          'LOGIN_FAILED',
          outcome.reason === 'closed'
            ? 'the browser was closed before the login finished'
            : `the login did not finish within ${Math.round(run.timeoutMs / 1000)} s${hasCondition(run.success) ? ` (waited for ${describeSuccess(run.success)})` : ''}`,
        );
      }
    }
    await page.waitForLoadState('networkidle', { timeout: Math.min(SETTLE_MS, remaining()) }).catch(() => undefined);
    // Without a success condition nothing else would notice a refused login: look once, now it has settled.
    const seen = !hasCondition(run.success) ? await watch?.check(true) : undefined;
    if (seen) throw new LoginRefused(seen);
    watch?.stop();
    run.onStatus?.('capturing cookies, storage and headers');
    const session = await captureState(context, wire, run.name, run.tokenEndpoint);
    wire.stop();
    if (run.recipe?.kind === 'steps') for (const name of envNamesOf(run.recipe.steps)) envNames.add(name);
    const signInUrl = signs.signInUrl();
    return { session, envNames: [...envNames], ...(signInUrl ? { signInUrl } : {}), ...(signs.cameBackTo(run.url) ? { returnsToUrl: true } : {}) };
  } catch (error) {
    throw await loginFailed(error, page, run, secrets);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/** A script recipe gets an env that remembers what it read, so those names (and values) are known. */
async function runScript(recipe: Extract<Recipe, { kind: 'script' }>, page: Page, context: BrowserContext, env: NodeJS.ProcessEnv, secrets: Set<string>, envNames: Set<string>, timeoutMs: number): Promise<void> {
  const watched = new Proxy(env, {
    get(target, key) {
      const value = Reflect.get(target, key) as string | undefined;
      if (typeof key === 'string' && value !== undefined) {
        envNames.add(key);
        secrets.add(value);
      }
      return value;
    },
  });
  const code = (secret: string) => {
    secrets.add(secret);
    const out = totp(secret);
    secrets.add(out);
    return out;
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SessionjarError('LOGIN_FAILED', `${recipe.file}: the script did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    await Promise.race([recipe.run({ page, context, env: watched, totp: code }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function loginFailed(error: unknown, page: Page | undefined, run: LoginRun, secrets: Set<string>): Promise<SessionjarError> {
  const scrub = (text: string) => scrubSecrets(text, secrets);
  if (isSessionjarError(error) && error.code !== 'LOGIN_FAILED') {
    return new SessionjarError(error.code, scrub(error.message), { details: error.details });
  }
  const lastUrl = page && !page.isClosed() ? page.url() : undefined;
  const screenshot = run.debug && page && !page.isClosed() ? await saveScreenshot(page, run.name) : undefined;
  const detail = isSessionjarError(error) ? error.message : describeFailure(error);
  const parts = [`login failed: ${scrub(detail ?? '')}`];
  if (lastUrl) parts.push(`last URL: ${scrub(lastUrl)}`);
  if (screenshot) parts.push(`screenshot: ${screenshot}`);
  parts.push(run.recipe ? 'Check the credentials and the recipe (run with --headed to watch it, --debug for a screenshot).' : 'Try again, or raise --timeout.');
  return new SessionjarError('LOGIN_FAILED', parts.join('; '), { details: { ...(lastUrl ? { lastUrl: scrub(lastUrl) } : {}), ...(screenshot ? { screenshot } : {}) } });
}

/**
 * A full-page screenshot in a folder of its own (mkdtemp: 0700, a random name) as a 0600 file: the
 * page may show the account, and /tmp is shared. Undefined when it cannot be taken.
 */
async function saveScreenshot(page: Page, name: string): Promise<string | undefined> {
  try {
    const image = await page.screenshot({ fullPage: true });
    const folder = await mkdtemp(join(tmpdir(), 'sessionjar-debug-'));
    const path = join(folder, `${name.replace(/[^\w.-]/g, '_')}.png`);
    await writeFile(path, image, { mode: 0o600, flag: 'wx' });
    return path;
  } catch {
    return undefined;
  }
}

/** Playwright's words for a person closing the window mid-step become the same sentence as a close seen while waiting. */
function describeFailure(error: unknown): string {
  const message = `${(error as Error)?.message ?? String(error)}`.split('\n')[0] ?? '';
  return /(Target page, context or browser has been closed|Browser has been closed|browser has disconnected)/i.test(message)
    ? 'the browser was closed before the login finished'
    : message;
}
