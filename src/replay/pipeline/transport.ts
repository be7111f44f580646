import type { Dispatcher } from 'undici';
import type { Budget } from '../budget.js';
import { cookieSizes } from '../cookie-size.js';
import type { ReplayEvent, ResolvedOptions } from '../options.js';
import { causeCode, toSessionjarError } from '../transport-errors.js';
import type { HeaderMap, Hop, HopSender, RequestBody } from '../types.js';
import { headSizeError } from './head-errors.js';

/**
 * The innermost stage: one hop over the client's dispatcher, its headers timeout capped by the
 * call's budget, its failure a SessionjarError naming the URL (the undici error kept as `cause`, so
 * the retry stage still sees what broke), a 431 told about with the cookies that made it.
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
    private readonly limits: Pick<ResolvedOptions, 'timeouts' | 'maxResponseHeaderBytes'>,
    private readonly emit: ((event: ReplayEvent) => void) | undefined,
  ) {}

  async send({ origin, path, href }: Hop, method: string, headers: HeaderMap, body: RequestBody, budget: Budget): Promise<Dispatcher.ResponseData> {
    this.emit?.({ type: 'request', method, url: href, headers });
    const { timeouts } = this.limits;
    const headersTimeout = budget.cap(timeouts.headers);
    const request: Dispatcher.RequestOptions = { origin, path, method: method as Dispatcher.HttpMethod, headers, body: body as Dispatcher.RequestOptions['body'], headersTimeout };
    if (budget.signal) request.signal = budget.signal;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request(request);
    } catch (error) {
      // A headers timeout cut short by the total budget is the total timeout.
      if (headersTimeout < timeouts.headers && causeCode(error) === 'UND_ERR_HEADERS_TIMEOUT') throw budget.expired();
      throw headSizeError(error, method, href, headers.cookie, this.limits.maxResponseHeaderBytes) ?? toSessionjarError(error, method, href, timeouts);
    }
    if (res.statusCode === 431 && this.emit) {
      const cookie = headers.cookie ?? '';
      this.emit({ type: 'headers-too-large', url: href, status: 431, cookieBytes: Buffer.byteLength(cookie), cookies: cookieSizes(cookie) });
    }
    return res;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

