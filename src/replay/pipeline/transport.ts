import type { Dispatcher } from 'undici';
import { SessionjarError } from '../../core/errors.js';
import type { Budget } from '../budget.js';
import { LARGE_COOKIE_HEADER_BYTES, cookieSizes, describeCookieHeader } from '../cookie-size.js';
import type { ReplayEvent } from '../options.js';
import { CONNECTION_ERROR_CODES, causeCode, toSessionjarError, type TransportLimits } from '../transport-errors.js';
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

  async send({ origin, path, href }: Hop, method: string, headers: HeaderMap, body: RequestBody, budget: Budget): Promise<Dispatcher.ResponseData> {
    this.emit?.({ type: 'request', method, url: href, headers });
    const { timeouts } = this.limits;
    const headersTimeout = budget.cap(timeouts.headers);
    const request: Dispatcher.RequestOptions = { origin, path, method: method as Dispatcher.HttpMethod, headers, body, headersTimeout };
    if (budget.signal) request.signal = budget.signal;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request(request);
    } catch (error) {
      // A headers timeout cut short by the total budget is the total timeout.
      if (headersTimeout < timeouts.headers && causeCode(error) === 'UND_ERR_HEADERS_TIMEOUT') throw budget.expired();
      const cookie = headers.cookie;
      if (cookie !== undefined && cookie.length >= LARGE_COOKIE_HEADER_BYTES) {
        const code = causeCode(error);
        if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) throw cookieHeaderError(error, code, method, href, cookie);
      }
      throw toSessionjarError(error, method, href, this.limits);
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

/**
 * A server that closes the connection on a request head it finds too large, instead of answering
 * 431: the error names the Cookie header's size and its largest cookies (names only).
 */
function cookieHeaderError(error: unknown, code: string, method: string, url: string, cookie: string): SessionjarError {
  return new SessionjarError(
    'NETWORK_ERROR',
    `${method} ${url}: the server closed the connection (${code}: ${(error as Error).message}) while ${describeCookieHeader(cookie)} was sent; servers commonly refuse request headers over 8-16 KiB. Expire the cookies the site no longer needs (cookies.set('<name>=; Max-Age=0; Path=/', url)), or send the request without the session's cookies (cookie: null; CLI: -H 'Cookie:').`,
    { cause: error, details: { url, cause: code, cookieBytes: Buffer.byteLength(cookie) } },
  );
}
