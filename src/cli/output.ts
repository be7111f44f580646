import type { SessionjarError } from '../core/errors.js';

/** Results go to stdout; progress, warnings and errors to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`sessionjar: warning: ${message}\n`);
}

export function printError(error: SessionjarError, json: boolean): void {
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: { code: error.code, message: error.message, ...error.details } })}\n`);
    return;
  }
  process.stderr.write(`sessionjar: error [${error.code}]: ${error.message}\n`);
  if (process.env.SESSIONJAR_DEBUG && error.cause instanceof Error) {
    process.stderr.write(`caused by: ${error.cause.stack ?? error.cause.message}\n`);
  }
}
