import type { Page, Response } from 'playwright-core';
import { SessionjarError } from '../core/errors.js';
import type { Step } from '../session/schema/index.js';
import { envNamesOf } from './recipe.js';

/**
 * Signs that a recipe's login was turned down, so a wrong password fails in a second or two instead
 * of waiting out the whole timeout for a success condition that will never hold.
 */

/** The form a submit step (a click or a key press) sends, as far as the steps tell. */
export interface SubmittedForm {
  /** Selectors of the fields filled since the previous submit. */
  fields: string[];
  /** Selectors the steps after this submit fill: seeing one of them means the login moved on. */
  next: string[];
  /** Environment variables the form's values come from (names only). */
  envNames: string[];
}

export function isSubmit(step: Step): boolean {
  return 'click' in step || 'press' in step;
}

function fieldOf(step: Step): string | undefined {
  if ('fill' in step) return step.fill;
  if ('select' in step) return step.select;
  if ('totp' in step) return step.totp;
  return undefined;
}

/** The form that steps[index] submits. Pure: tested without a browser. */
export function submittedForm(steps: Step[], index: number): SubmittedForm {
  let start = index;
  while (start > 0 && !isSubmit(steps[start - 1]!)) start--;
  const filled = steps.slice(start, index).filter((s) => fieldOf(s) !== undefined);
  const fields = filled.map((s) => fieldOf(s)!);
  const next = steps.slice(index + 1).map(fieldOf).filter((f): f is string => f !== undefined);
  return { fields, next, envNames: envNamesOf(filled) };
}

/** The site turned the login down: LOGIN_FAILED with what the page showed, not a step's own error. */
export class LoginRefused extends SessionjarError {
  constructor(seen: string) {
    super('LOGIN_FAILED', seen);
  }
}

/** A failure sign must last this long: a page that answers 4xx and moves on at once is not one. */
const GRACE_MS = 1000;
const MAX_ALERT = 160;

interface Mark {
  where: string;
  form: SubmittedForm;
  /** Main-frame documents loaded before the submit. */
  documents: number;
  /** Alert texts already shown before the submit. */
  alerts: Set<string>;
}

/**
 * Watches the main frame of the login page. `mark` is called just before each submit step; `check`
 * then says, once a sign has held for a moment, what was seen:
 * - the page after the submit answered 4xx/5xx;
 * - a new page came back showing the same form's fields (and none the next steps fill);
 * - the form is still there and a new `role="alert"` text appeared (a single-page app's
 *   "Invalid password").
 */
export class FailureWatch {
  private mark: Mark | undefined;
  private documents: { status: number; url: string }[] = [];
  private seen: { what: string; since: number } | undefined;
  private readonly onResponse = (response: Response) => {
    const request = response.request();
    if (request.isNavigationRequest() && response.frame() === this.page.mainFrame()) {
      this.documents.push({ status: response.status(), url: request.url() });
    }
  };

  constructor(private readonly page: Page) {
    page.on('response', this.onResponse);
  }

  stop(): void {
    this.page.off('response', this.onResponse);
  }

  /** Before a submit step: `where` names it in the message, like `form.json: steps[3] (click ...)`. */
  async markSubmit(where: string, form: SubmittedForm): Promise<void> {
    this.mark = { where, form, documents: this.documents.length, alerts: new Set(await this.alertTexts()) };
    this.seen = undefined;
  }

  /** What the page showed that means the login was refused, once it has lasted GRACE_MS (at once when `settled`). */
  async check(settled = false): Promise<string | undefined> {
    const what = await this.sign().catch(() => undefined);
    if (what === undefined) {
      this.seen = undefined;
      return undefined;
    }
    if (this.seen?.what !== what) this.seen = { what, since: Date.now() };
    return settled || Date.now() - this.seen.since >= GRACE_MS ? what : undefined;
  }

  /** Runs `work` while watching: a refusal seen meanwhile rejects with LoginRefused at once. */
  async guard<T>(work: Promise<T>, pollMs = 250): Promise<T> {
    let done = false;
    // Never settles once `work` has: the race is over and its loser is left alone.
    const watching = (async (): Promise<never> => {
      while (!done) {
        const seen = await this.check();
        if (seen && !done) throw new LoginRefused(seen);
        await new Promise((r) => setTimeout(r, pollMs));
      }
      return new Promise<never>(() => undefined);
    })();
    try {
      return await Promise.race([work, watching]);
    } finally {
      done = true;
    }
  }

  private async sign(): Promise<string | undefined> {
    const mark = this.mark;
    if (!mark || this.page.isClosed()) return undefined;
    const after = this.documents.slice(mark.documents).filter((d) => d.status < 300 || d.status >= 400);
    const last = after.at(-1);
    const { fields, next, envNames } = mark.form;
    // A field filled both before and after this submit cannot tell a refused form from the next one.
    const formKnown = fields.length > 0 && !fields.some((f) => next.includes(f));
    const formShown = formKnown && (await this.allVisible(fields)) && !(await this.anyVisible(next));
    const alert = formShown ? (await this.alertTexts()).find((t) => !mark.alerts.has(t)) : undefined;
    const status = last && last.status >= 400 ? `the page answered ${last.status}` : undefined;
    const credentials = envNames.length > 0 ? `; check the credentials in ${envNames.map((n) => `$${n}`).join(', ')}` : '';
    let seen: string | undefined;
    if (formShown && last) {
      seen = `the login form came back after submitting${status ? ` (${status})` : ''}${alert ? `, saying "${alert}"` : ''}`;
    } else if (alert) {
      seen = `the page shows "${alert}" after submitting, with the login form still there`;
    } else if (status) {
      seen = `${status} after submitting (${last!.url})`;
    }
    return seen ? `${mark.where}: ${seen}${credentials}` : undefined;
  }

  private async allVisible(selectors: string[]): Promise<boolean> {
    for (const s of selectors) if (!(await this.visible(s))) return false;
    return true;
  }

  private async anyVisible(selectors: string[]): Promise<boolean> {
    for (const s of selectors) if (await this.visible(s)) return true;
    return false;
  }

  private visible(selector: string): Promise<boolean> {
    return this.page.locator(selector).first().isVisible().catch(() => false);
  }

  private async alertTexts(): Promise<string[]> {
    const texts = await this.page.locator('[role=alert]').allInnerTexts().catch(() => []);
    return texts.map((t) => t.trim().replace(/\s+/g, ' ').slice(0, MAX_ALERT)).filter(Boolean);
  }
}
