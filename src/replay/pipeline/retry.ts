import type { Dispatcher } from 'undici';
import type { Budget } from '../budget.js';
import type { ReplayEvent, RetryOptions } from '../options.js';
import { backoffMs, isIdempotent, isRetryableError, statusRetryDelay } from '../retry.js';
import type { HeaderMap, Hop, HopSender, RequestBody } from '../types.js';
import { isResendable } from '../request-body.js';

/**
 * One hop, sent again when that is safe: an idempotent method after a broken connection or a
 * 429/502/503/504 (Retry-After honoured up to `maxRetryAfterMs`). The policy is ../retry.ts; this
 * is the loop around the next stage.
 *
 * @example
 * ```ts
 * const sender = new Retry(new Transport(dispatcher, timeouts, emit), { limit: 2, maxRetryAfterMs: 30_000 }, emit);
 * ```
 */
export class Retry implements HopSender {
  constructor(
    private readonly next: HopSender,
    private readonly options: Required<RetryOptions>,
    private readonly emit: ((event: ReplayEvent) => void) | undefined,
  ) {}

  async send(hop: Hop, method: string, headers: HeaderMap, body: RequestBody, budget: Budget): Promise<Dispatcher.ResponseData> {
    const { limit, maxRetryAfterMs } = this.options;
    if (limit === 0 || !isIdempotent(method) || !isResendable(body)) return this.next.send(hop, method, headers, body, budget);
    for (let attempt = 0; ; attempt++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await this.next.send(hop, method, headers, body, budget);
      } catch (error) {
        if (attempt >= limit || budget.signal?.aborted || !isRetryableError(error)) throw error;
        await this.wait(backoffMs(attempt), method, hop, attempt, messageOf(error), budget);
        continue;
      }
      if (attempt < limit) {
        const delay = statusRetryDelay(res.statusCode, res.headers['retry-after'], attempt, maxRetryAfterMs);
        if (delay !== undefined) {
          await res.body.dump();
          await this.wait(delay, method, hop, attempt, `status ${res.statusCode}`, budget);
          continue;
        }
      }
      return res;
    }
  }

  private async wait(delayMs: number, method: string, hop: Hop, attempt: number, reason: string, budget: Budget): Promise<void> {
    this.emit?.({ type: 'retry', method, url: hop.href, attempt: attempt + 1, delayMs, reason });
    await budget.sleep(delayMs);
  }
}

/** The undici error's own message (the transport wraps it with the URL, which the event has already). */
function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : (error as Error).message;
}
