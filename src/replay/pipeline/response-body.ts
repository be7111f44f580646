import type { Dispatcher } from 'undici';
import type { BodyDeadlines } from '../body-deadlines.js';
import type { Budget } from '../budget.js';
import { decodeBody } from '../decompress.js';
import { peekBody } from '../peek.js';
import type { Timeouts } from '../options.js';
import { toSessionjarError } from '../transport-errors.js';
import type { ReplayResponse } from '../types.js';

/**
 * The last hop's answer as the caller gets it: decompressed, and with the errors met while the body
 * is read (a body timeout, a reset) turned into SessionjarErrors naming the URL.
 */
export function toReplayResponse(
  res: Dispatcher.ResponseData,
  href: string,
  method: string,
  redirects: ReplayResponse['redirects'],
  timeouts: Required<Timeouts>,
): ReplayResponse {
  mapBodyErrors(res.body, method, href, timeouts);
  const status = res.statusCode;
  return {
    status,
    statusText: res.statusText,
    url: href,
    headers: res.headers as Record<string, string | string[]>,
    body: decodeBody(res.body, res.headers['content-encoding'], status, method),
    redirects,
  };
}

/**
 * Reads the body for a check that must see it (the logged-out check) and puts back one that still
 * yields every byte; the total timeout covers the read.
 */
export async function peekResponse(response: ReplayResponse, budget: Budget, deadlines: BodyDeadlines): Promise<string | undefined> {
  deadlines.watch(response.body, budget);
  const { text, body } = await peekBody(response.body);
  response.body = body;
  return text;
}

/**
 * undici ends a body through `destroy(error)`; wrapping that one method costs far less than an
 * interceptor around every callback.
 */
function mapBodyErrors(body: Dispatcher.ResponseData['body'], method: string, url: string, timeouts: Required<Timeouts>): void {
  const destroy = body.destroy;
  body.destroy = function (this: typeof body, error?: Error) {
    return destroy.call(this, error === undefined ? error : (toSessionjarError(error, method, url, timeouts, 'body') as Error));
  };
}
