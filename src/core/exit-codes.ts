import type { ErrorCode } from './errors.js';

/**
 * The one table from error code to process exit status. 22 for HTTP errors under `--fail` follows
 * curl; 2 for usage errors follows every Unix tool. Documented in the README's "Exit statuses".
 */
export const EXIT_CODES: Record<ErrorCode, number> = {
  INTERNAL: 1,
  USAGE: 2,
  SESSION_NOT_FOUND: 3,
  SESSION_INVALID: 4,
  SESSION_TOO_NEW: 4,
  UNSAFE_PATH: 4,
  SESSION_EXISTS: 5,
  INPUT_INVALID: 5,
  RECIPE_INVALID: 5,
  IO_ERROR: 6,
  LOCK_TIMEOUT: 6,
  NETWORK_ERROR: 7,
  TIMEOUT: 8,
  REDIRECT_ERROR: 9,
  SESSION_EXPIRED: 10,
  REFRESH_FAILED: 11,
  LOGIN_FAILED: 12,
  BROWSER_NOT_FOUND: 13,
  NO_DISPLAY: 13,
  ENCRYPTION_ERROR: 14,
  PASSPHRASE_REQUIRED: 14,
  TOKEN_NOT_FOUND: 17,
  POOL_EXHAUSTED: 18,
  HTTP_ERROR: 22,
};

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code];
}

/**
 * `sessionjar status`: one exit status per state of the session. 10 is SESSION_EXPIRED's status
 * everywhere else too.
 */
export const STATUS_EXIT_CODES = { valid: 0, expiring: 16, expired: 10, unknown: 15 } as const;

/** `sessionjar exec` when its command cannot be started: the statuses shells use. */
export const EXEC_EXIT_CODES = { notExecutable: 126, notFound: 127 } as const;
