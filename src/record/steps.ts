import type { BrowserContext, Page } from 'playwright-core';
import { SessionjarError, isSessionjarError } from '../core/errors.js';
import type { Step } from '../session/schema/index.js';
import { totp } from '../session/totp.js';
import { isSubmit, LoginRefused, submittedForm, type FailureWatch } from './failure.js';
import { resolveGoto, substituteEnv } from './recipe.js';
import { describeSuccess, waitForSuccess } from './wait.js';
import type { WireLog } from './wire.js';

export interface StepRun {
  page: Page;
  context: BrowserContext;
  wire: WireLog;
  loginUrl: string;
  env: NodeJS.ProcessEnv;
  /** Values typed so far (env values, TOTP codes), scrubbed from any error message. */
  secrets: Set<string>;
  /** Absolute deadline (ms since epoch) for the whole login. */
  deadline: number;
  source: string;
  /** Watches for the site turning the login down after each submit step. */
  watch?: FailureWatch;
  onStatus?: (line: string) => void;
}

/** What a step does, for status lines and errors: names selectors and variables, never values. */
export function describeStep(step: Step): string {
  if ('goto' in step) return `goto ${step.goto}`;
  if ('fill' in step) return `fill ${step.fill}`;
  if ('click' in step) return `click ${step.click}`;
  if ('press' in step) return `press ${step.key} in ${step.press}`;
  if ('check' in step) return `check ${step.check}`;
  if ('select' in step) return `select in ${step.select}`;
  if ('totp' in step) return `one-time code (${step.secretEnv}) into ${step.totp}`;
  return `wait for ${describeSuccess(step.waitFor)}`;
}

/** Runs declarative steps in order; the first that fails is LOGIN_FAILED naming its index (run-login.ts adds the URL). */
export async function runSteps(steps: Step[], run: StepRun): Promise<void> {
  for (const [index, step] of steps.entries()) {
    const where = `${run.source}: steps[${index}]`;
    run.onStatus?.(`step ${index + 1}/${steps.length}: ${describeStep(step)}`);
    const timeout = Math.max(1, run.deadline - Date.now());
    const value = (text: string, field: string) => {
      const out = substituteEnv(text, run.env, `${where}.${field}`);
      if (out !== text) run.secrets.add(out);
      return out;
    };
    try {
      if (run.watch && isSubmit(step)) await run.watch.markSubmit(`${where} (${describeStep(step)})`, submittedForm(steps, index));
      const work = runStep(step, run, timeout, value);
      await (run.watch ? run.watch.guard(work) : work);
    } catch (error) {
      if (error instanceof LoginRefused || (isSessionjarError(error) && error.code !== 'LOGIN_FAILED')) throw error;
      throw new SessionjarError('LOGIN_FAILED', `${where} (${describeStep(step)}) failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}

async function runStep(step: Step, run: StepRun, timeout: number, value: (text: string, field: string) => string): Promise<void> {
  const { page } = run;
  if ('goto' in step) await page.goto(resolveGoto(value(step.goto, 'goto'), run.loginUrl), { timeout });
  else if ('fill' in step) await page.fill(step.fill, value(step.value, 'value'), { timeout });
  else if ('click' in step) await page.click(step.click, { timeout });
  else if ('press' in step) await page.press(step.press, step.key, { timeout });
  else if ('check' in step) await page.check(step.check, { timeout });
  else if ('select' in step) await page.selectOption(step.select, value(step.value, 'value'), { timeout });
  else if ('totp' in step) {
    const secret = run.env[step.secretEnv] ?? '';
    run.secrets.add(secret);
    const code = totp(secret);
    run.secrets.add(code);
    await page.fill(step.totp, code, { timeout });
  } else {
    // A step's own timeout is in milliseconds, as Playwright's are.
    const limit = Math.min(timeout, step.timeout ?? timeout);
    const outcome = await waitForSuccess(run.context, run.wire, step.waitFor, { timeoutMs: limit });
    if (!outcome.ok) {
      throw new Error(outcome.reason === 'closed' ? 'the browser was closed' : `not seen within ${Math.round(limit / 1000)} s`);
    }
  }
}
