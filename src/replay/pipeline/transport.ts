import type { Dispatcher } from 'undici';
import type { Budget } from '../budget.js';
import type { ReplayEvent } from '../options.js';
import { causeCode, toSessionjarError, type TransportLimits } from '../transport-errors.js';
import type { HeaderMap, Hop, HopSender, RequestBody } from '../types.js';

/**
 * The innermost stage: one hop over the client's dispatcher, its headers timeout capped by the
 * call's budget, its failure a SessionjarError naming the URL (the undici error kept as `cause`, so
 * the retry stage still sees what broke).
 *
 * @example
 * ```ts
 * const transport = new Transport(createDispatcher(options, resolved), resolved, emit);
 * const res = await transport.send(hop, 'GET', headers, null, budget);
 * ```
 */
export class Transport implements HopSender {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly limits: TransportLimits,
    private readonly emit: ((event: ReplayEvent) => void) | undefined,
  ) {}

  async send({ url, origin, path, href }: Hop, method: string, headers: HeaderMap, body: RequestBody, budget: Budget): Promise<Dispatcher.ResponseData> {
    this.emit?.({ type: 'request', method, url: href, headers });
    const { timeouts } = this.limits;
    const headersTimeout = budget.cap(timeouts.headers);
    const request: Dispatcher.RequestOptions = { origin, path, method: method as Dispatcher.HttpMethod, headers, body, headersTimeout };
    if (budget.signal) request.signal = budget.signal;
    try {
      return await this.dispatcher.request(request);
    } catch (error) {
      // A headers timeout cut short by the total budget is the total timeout.
      if (headersTimeout < timeouts.headers && causeCode(error) === 'UND_ERR_HEADERS_TIMEOUT') throw budget.expired();
      throw toSessionjarError(error, method, url.href, this.limits);
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
