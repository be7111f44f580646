import type { BrowserContext } from 'playwright-core';
import { matchesUrlPattern } from '../session/url-pattern.js';
import type { Success } from './recipe.js';
import type { WireLog } from './wire.js';

export interface WaitOptions {
  timeoutMs: number;
  /** Enter on this stream also ends the wait (interactive recording in a terminal). */
  input?: NodeJS.ReadableStream;
  /** Called about once a second with what is awaited and the time elapsed. */
  onStatus?: (line: string) => void;
  /** What the page shows that means the login was turned down (see FailureWatch), if anything. */
  refused?: () => Promise<string | undefined>;
  pollMs?: number;
}

export type WaitOutcome =
  | { ok: true; by: 'condition' | 'enter' }
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
 * several tabs.
 */
export async function waitForSuccess(context: BrowserContext, wire: WireLog, success: Success | undefined, options: WaitOptions): Promise<WaitOutcome> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 250;
  let entered = false;
  let closed = false;
  const onData = (chunk: Buffer | string) => {
    if (String(chunk).includes('\n')) entered = true;
  };
  const onClose = () => {
    closed = true;
  };
  options.input?.on('data', onData);
  options.input?.resume?.();
  context.on('close', onClose);
  context.browser()?.on('disconnected', onClose);
  const what = [describeSuccess(success), options.input ? 'Enter in this terminal' : ''].filter(Boolean).join(', or ');
  let lastStatus = -1;
  try {
    for (;;) {
      const elapsed = Date.now() - started;
      const second = Math.floor(elapsed / 1000);
      if (options.onStatus && second !== lastStatus) {
        lastStatus = second;
        options.onStatus(`waiting for ${what} (${second}s, gives up in ${Math.round((options.timeoutMs - elapsed) / 1000)}s)`);
      }
      if (entered) return { ok: true, by: 'enter' };
      if (closed || context.pages().length === 0) return { ok: false, reason: 'closed' };
      if (success && hasCondition(success) && (await conditionHolds(context, wire, success).catch(() => false))) return { ok: true, by: 'condition' };
      const seen = await options.refused?.();
      if (seen) return { ok: false, reason: 'refused', seen };
      if (elapsed >= options.timeoutMs) return { ok: false, reason: 'timeout' };
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, options.timeoutMs - elapsed))));
    }
  } finally {
    options.input?.off('data', onData);
    options.input?.pause?.();
    context.off('close', onClose);
    context.browser()?.off('disconnected', onClose);
  }
}
