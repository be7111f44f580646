import type { BrowserContext } from 'playwright-core';
import { matchesUrlPattern } from '../session/url-pattern.js';
import type { Success } from './recipe.js';
import type { LoginSigns } from './signs.js';
import type { WireLog } from './wire.js';

export interface WaitOptions {
  timeoutMs: number;
  /** Enter on this stream also ends the wait (interactive recording in a terminal). */
  input?: NodeJS.ReadableStream;
  /** Called about once a second with what is awaited and the time elapsed. */
  onStatus?: (line: string) => void;
  /** What the page shows that means the login was turned down (see FailureWatch), if anything. */
  refused?: () => Promise<string | undefined>;
  /** No condition given: end when these signs agree that the person has logged in. */
  signs?: LoginSigns;
  /** Time to put off an ending the signs chose (any key on `input`); default 3 s. */
  graceMs?: number;
  pollMs?: number;
}

export type WaitOutcome =
  | { ok: true; by: 'condition' | 'enter' }
  | { ok: true; by: 'signs'; detected: string }
  | { ok: false; reason: 'timeout' | 'closed' }
  | { ok: false; reason: 'refused'; seen: string };

/** "cookie "sid" and a URL matching **\/app": what a status line or an error says is awaited. */
export function describeSuccess(success: Success | undefined): string {
  const parts: string[] = [];
  if (success?.url) parts.push(`a URL matching ${success.url}`);
  if (success?.cookie) parts.push(`cookie "${success.cookie}"`);
  if (success?.selector) parts.push(`selector ${success.selector}`);
  if (success?.request) parts.push(`a request with credentials to ${success.request}`);
  return parts.join(' and ');
}

export function hasCondition(success: Success | undefined): boolean {
  return Boolean(success && (success.url || success.cookie || success.selector || success.request));
}

/** A request that carries credentials: what `--until-request` waits for. */
export function carriesCredentials(headers: Record<string, string>): boolean {
  return Boolean(headers.authorization || headers.cookie);
}

/** Whether every given condition holds now, in any page of the context. */
export async function conditionHolds(context: BrowserContext, wire: WireLog, success: Success): Promise<boolean> {
  const pages = context.pages();
  if (success.url && !pages.some((p) => matchesUrlPattern(p.url(), success.url ?? ''))) return false;
  if (success.cookie && !(await context.cookies()).some((c) => c.name === success.cookie && c.value !== '')) return false;
  if (success.request && !wire.requests.some((r) => carriesCredentials(r.headers) && matchesUrlPattern(r.url, success.request ?? ''))) {
    return false;
  }
  if (success.selector) {
    const counts = await Promise.all(pages.map((p) => p.locator(success.selector ?? '').count().catch(() => 0)));
    if (!counts.some((n) => n > 0)) return false;
  }
  return true;
}

/**
 * Polls until all given conditions hold (or Enter is pressed), the timeout passes or the browser is
 * closed. Polling rather than events: a cookie has no event, and a person may log in across
 * several tabs. With `signs` instead of conditions, it ends once they agree and stay so for
 * `graceMs`; any key on a terminal meanwhile puts that off until a password is submitted again.
 */
export async function waitForSuccess(context: BrowserContext, wire: WireLog, success: Success | undefined, options: WaitOptions): Promise<WaitOutcome> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 250;
  const graceMs = options.graceMs ?? 3000;
  const input = options.input as (NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void }) | undefined;
  let entered = false;
  let keyed = false;
  let closed = false;
  // A terminal hands over single keys only in raw mode, and there Ctrl-C is a key like any other.
  const raw = (on: boolean) => {
    if (input?.isTTY && input.setRawMode) input.setRawMode(on);
  };
  const onData = (chunk: Buffer | string) => {
    const text = String(chunk);
    if (text.includes('\x03')) process.kill(process.pid, 'SIGINT');
    else if (/[\r\n]/.test(text)) entered = true;
    else keyed = true;
  };
  const onClose = () => {
    closed = true;
  };
  input?.on('data', onData);
  input?.resume?.();
  context.on('close', onClose);
  context.browser()?.on('disconnected', onClose);
  const waitingFor = (putOff: number) => {
    const target = !options.signs ? describeSuccess(success) : putOff > 0 ? 'another sign-in' : 'the login to finish';
    return [target, input ? 'Enter in this terminal' : ''].filter(Boolean).join(', or ');
  };
  let lastStatus = -1;
  let grace: { since: number; detected: string } | undefined;
  let putOff = 0;
  let agreedBefore = false;
  let missing = '';
  const status = (line: string) => options.onStatus?.(line);
  try {
    for (;;) {
      const elapsed = Date.now() - started;
      const second = Math.floor(elapsed / 1000);
      if (entered) return { ok: true, by: 'enter' };
      if (closed || context.pages().length === 0) return { ok: false, reason: 'closed' };
      if (success && hasCondition(success) && (await conditionHolds(context, wire, success).catch(() => false))) return { ok: true, by: 'condition' };
      if (options.signs) {
        const look = await options.signs.look();
        // Two looks in a row: a page between two forms (the password's and the code's) is not an ending.
        const agreed = look.detected !== undefined && agreedBefore;
        agreedBefore = look.detected !== undefined;
        missing = look.missing;
        if (keyed && grace) {
          grace = undefined;
          putOff = look.submissions;
          raw(false);
          status(`going on: press Enter in this terminal when done (or submit a password again)\n`);
        } else if (look.detected && agreed && look.submissions > putOff) {
          if (!grace) {
            grace = { since: Date.now(), detected: look.detected };
            keyed = false;
            raw(true);
            status(`logged in, it seems: ${look.detected}\n`);
            lastStatus = -1;
          }
          const left = graceMs - (Date.now() - grace.since);
          if (left <= 0) return { ok: true, by: 'signs', detected: grace.detected };
          if (second !== lastStatus) {
            lastStatus = second;
            status(`saving in ${Math.ceil(left / 1000)} s${input ? ': any key keeps the browser open, Enter saves now' : ''}`);
          }
        } else if (grace) {
          grace = undefined;
          raw(false);
          status(`not done yet: ${look.missing}\n`);
        }
        keyed = false;
      }
      if (options.onStatus && second !== lastStatus && !grace) {
        lastStatus = second;
        const why = options.signs && missing && putOff === 0 ? ` (${missing})` : '';
        options.onStatus(`waiting for ${waitingFor(putOff)}${why} (${second}s, gives up in ${Math.round((options.timeoutMs - elapsed) / 1000)}s)`);
      }
      const seen = await options.refused?.();
      if (seen) return { ok: false, reason: 'refused', seen };
      if (elapsed >= options.timeoutMs) return { ok: false, reason: 'timeout' };
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, options.timeoutMs - elapsed))));
    }
  } finally {
    raw(false);
    input?.off('data', onData);
    input?.pause?.();
    context.off('close', onClose);
    context.browser()?.off('disconnected', onClose);
  }
}
