/**
 * One error class for everything sessionjar reports to a user. The `code` is stable (scripts match
 * on it, `--json` prints it); the message names the file, field, URL or option at fault and the
 * next step. Exit statuses come from the single table in `exit-codes.ts`.
 */
export const ERROR_CODES = [
  'USAGE',
  'INTERNAL',
  'IO_ERROR',
  'SESSION_NOT_FOUND',
  'SESSION_INVALID',
  'SESSION_TOO_NEW',
  'SESSION_EXISTS',
  'UNSAFE_PATH',
  'LOCK_TIMEOUT',
  'INPUT_INVALID',
  'NETWORK_ERROR',
  'TIMEOUT',
  'REDIRECT_ERROR',
  'HTTP_ERROR',
  'TOKEN_NOT_FOUND',
  'BROWSER_NOT_FOUND',
  'NO_DISPLAY',
  'LOGIN_FAILED',
  'RECIPE_INVALID',
  'SESSION_EXPIRED',
  'REFRESH_FAILED',
  'ENCRYPTION_ERROR',
  'PASSPHRASE_REQUIRED',
  'POOL_EXHAUSTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SessionjarErrorOptions {
  cause?: unknown;
  /** Extra machine-readable facts for `--json` output (never secrets). */
  details?: Record<string, unknown>;
}

export class SessionjarError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: SessionjarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SessionjarError';
    this.code = code;
    this.details = options.details;
  }
}

export function isSessionjarError(error: unknown, code?: ErrorCode): error is SessionjarError {
  return error instanceof SessionjarError && (code === undefined || error.code === code);
}
