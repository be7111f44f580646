import type { RequestBody } from './types.js';

/**
 * Bytes can be sent again; a stream cannot: a streamed body is not retried, not resent after a
 * refresh, and a 307/308 asking for it again goes back to the caller.
 */
export function isResendable(body: RequestBody | undefined): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
}
