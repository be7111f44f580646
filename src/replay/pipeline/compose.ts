import { BodyDeadlines } from '../body-deadlines.js';
import { createDispatcher } from '../dispatcher.js';
import type { LiveSession } from '../live-session.js';
import type { ClientOptions, ResolvedOptions } from '../options.js';
import type { WriteBack } from '../write-back.js';
import { Follow } from './follow.js';
import { RefreshGate } from './refresh-gate.js';
import { RequestHeaders } from './request-headers.js';
import { Retry } from './retry.js';
import { Transport } from './transport.js';

/**
 * The stages of a client, outermost first: refresh gate → redirects (each hop's headers assembled
 * anew) → retry → transport. Each holds the next; a request walks them once.
 *
 * @example
 * ```ts
 * const { gate, transport } = composePipeline(live, options, resolveOptions(options), writer);
 * const response = await gate.request(hop, 'GET', {}, true);
 * await transport.close();
 * ```
 */
export function composePipeline(
  live: LiveSession,
  options: ClientOptions,
  resolved: ResolvedOptions,
  writer: WriteBack | undefined,
): { gate: RefreshGate; transport: Transport; headers: RequestHeaders } {
  const { timeouts } = resolved;
  const emit = options.onEvent;
  const transport = new Transport(createDispatcher(options, resolved), resolved, emit);
  const retry = new Retry(transport, resolved.retry, emit);
  const headers = new RequestHeaders(live);
  const follow = new Follow(live, headers, retry, { maxRedirects: resolved.maxRedirects, timeouts, writer, emit });
  const gate = new RefreshGate(live, follow, {
    refresher: options.refresher,
    autoRefresh: options.autoRefresh,
    writer,
    totalMs: timeouts.total,
    deadlines: new BodyDeadlines(),
    emit,
    now: options.now ?? Date.now,
  });
  return { gate, transport, headers };
}
