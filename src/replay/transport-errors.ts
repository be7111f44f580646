import { SessionjarError } from '../core/errors.js';
import type { Timeouts } from './options.js';

/** Which undici error means which of our timeouts, and the option that raises it. */
const TIMEOUT_CODES: Record<string, { what: string; option: keyof Timeouts }> = {
  UND_ERR_CONNECT_TIMEOUT: { what: 'connecting to', option: 'connect' },
  UND_ERR_HEADERS_TIMEOUT: { what: 'waiting for the response headers of', option: 'headers' },
  UND_ERR_BODY_TIMEOUT: { what: 'waiting for more of the response body of', option: 'body' },
};

/** Codes that mean the connection failed or broke: worth a retry for an idempotent request. */
export const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The innermost error code: undici wraps the socket's own error, whose code is the one worth printing. */
export function causeCode(error: unknown): string | undefined {
  let code: string | undefined;
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (typeof current.code === 'string') code = current.code;
    current = current.cause as typeof current;
  }
  return code;
}

/** A timeout of the whole call (`timeouts.total`), used as the abort reason. */
export function totalTimeoutError(method: string, url: string, ms: number): SessionjarError {
  return new SessionjarError(
    'TIMEOUT',
    `${method} ${url}: no complete response within ${ms} ms (total timeout). Raise timeouts.total (CLI: --timeout <seconds>) or check the server.`,
    { details: { url, timeout: 'total', ms } },
  );
}

/**
 * Turns an undici or socket error into a SessionjarError naming the URL, the cause and the option
 * to change. Aborts by the caller and our own errors pass through unchanged.
 */
export function toSessionjarError(error: unknown, method: string, url: string, timeouts: Required<Timeouts>): unknown {
  if (error instanceof SessionjarError || !(error instanceof Error)) return error;
  if (error.name === 'AbortError' || (error as { code?: string }).code === 'UND_ERR_ABORTED') return error;
  const code = (error as { code?: string }).code;
  const timeout = code === undefined ? undefined : TIMEOUT_CODES[code];
  if (timeout) {
    const ms = timeouts[timeout.option];
    return new SessionjarError(
      'TIMEOUT',
      `${method} ${url}: timed out after ${ms} ms ${timeout.what} the server (${timeout.option} timeout). Raise timeouts.${timeout.option} (CLI: --timeout <seconds>) or check the server.`,
      { cause: error, details: { url, timeout: timeout.option, ms } },
    );
  }
  const cause = causeCode(error) ?? error.message;
  return new SessionjarError(
    'NETWORK_ERROR',
    `${method} ${url}: ${describe(cause, error)}. Check the URL, your network and any proxy settings (HTTP_PROXY, --proxy).`,
    { cause: error, details: { url, cause } },
  );
}

function describe(cause: string, error: Error): string {
  if (cause === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (cause === 'ECONNRESET') return 'connection reset by the server (ECONNRESET)';
  if (cause === 'ENOTFOUND') return 'host not found (ENOTFOUND)';
  if (cause === 'UND_ERR_SOCKET') return `connection closed by the server (UND_ERR_SOCKET: ${error.message})`;
  return cause === error.message ? error.message : `${error.message} (${cause})`;
}
