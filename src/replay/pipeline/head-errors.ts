import { SessionjarError } from '../../core/errors.js';
import { LARGE_COOKIE_HEADER_BYTES, describeCookieHeader } from '../cookie-size.js';
import { CONNECTION_ERROR_CODES, causeCode } from '../transport-errors.js';

/**
 * The failures of one hop that are about the size of a head, with the option or the cookies to
 * name; undefined for any other failure (transport-errors.ts words those). Looked at only when a
 * hop failed, never on the way of a good response.
 *
 * @example
 * ```ts
 * throw headSizeError(error, 'GET', href, headers.cookie, 262144) ?? toSessionjarError(error, 'GET', href, timeouts);
 * ```
 */
export function headSizeError(
  error: unknown,
  method: string,
  url: string,
  cookie: string | undefined,
  maxResponseHeaderBytes: number,
): SessionjarError | undefined {
  if (!(error instanceof Error) || error instanceof SessionjarError) return undefined;
  const code = causeCode(error);
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new SessionjarError(
      'NETWORK_ERROR',
      `${method} ${url}: the response headers exceeded ${maxResponseHeaderBytes} bytes (maxResponseHeaderBytes). Raise maxResponseHeaderBytes (CLI: --max-header-size <bytes>) if the server is expected to send that much.`,
      { cause: error, details: { url, cause: code, limit: maxResponseHeaderBytes } },
    );
  }
  if (code === 'ERR_HTTP2_STREAM_ERROR' && error.message.includes('NGHTTP2_FRAME_SIZE_ERROR')) {
    // Node's HTTP/2 client takes at most 64 KiB of headers, and undici offers no way to raise it.
    return new SessionjarError(
      'NETWORK_ERROR',
      `${method} ${url}: the HTTP/2 stream was reset (NGHTTP2_FRAME_SIZE_ERROR), most likely because the response headers passed HTTP/2's 64 KiB limit in Node. Send this request over HTTP/1.1 (without http2 / --http2), where up to maxResponseHeaderBytes (${maxResponseHeaderBytes}) is accepted.`,
      { cause: error, details: { url, cause: code } },
    );
  }
  // A server that closes the connection on a request head it finds too large, instead of answering 431.
  if (cookie !== undefined && cookie.length >= LARGE_COOKIE_HEADER_BYTES && code !== undefined && CONNECTION_ERROR_CODES.has(code)) {
    return new SessionjarError(
      'NETWORK_ERROR',
      `${method} ${url}: the server closed the connection (${code}: ${error.message}) while ${describeCookieHeader(cookie)} was sent; servers commonly refuse request headers over 8-16 KiB. Expire the cookies the site no longer needs (cookies.set('<name>=; Max-Age=0; Path=/', url)), or send the request without the session's cookies (cookie: null; CLI: -H 'Cookie:').`,
      { cause: error, details: { url, cause: code, cookieBytes: Buffer.byteLength(cookie) } },
    );
  }
  return undefined;
}
