import { SessionjarError, isSessionjarError } from '../core/errors.js';
import { exitCodeFor } from '../core/exit-codes.js';
import { scrubRegistered, scrubRegisteredIn, scrubUrls } from '../core/redact.js';

/**
 * Results go to stdout; progress, warnings and errors to stderr. Everything printed here hides the
 * secrets this process knows (the values of every session it loaded or has open, wherever a server
 * echoed them) unless `reveal`: the user asked to see them (`--reveal`, an export).
 */
export function printJson(value: unknown, reveal = false): void {
  process.stdout.write(`${JSON.stringify(reveal ? value : scrubRegisteredIn(value), null, 2)}\n`);
}

export function printLine(line = '', reveal = false): void {
  process.stdout.write(`${reveal ? line : scrubRegistered(line)}\n`);
}

/** Progress and diagnostics (`-v`, what an import lost), on stderr as given. */
export function printStderr(text: string, reveal = false): void {
  process.stderr.write(reveal ? text : scrubRegistered(text));
}

export function warn(message: string): void {
  process.stderr.write(scrubRegistered(`sessionjar: warning: ${message}\n`));
}

/**
 * Errors and their causes carry text sessionjar did not write (a server's answer, a library's
 * message, a URL a server redirected to): every secret value of the sessions this process loaded
 * is scrubbed from it, and credential-shaped parameters from the URLs in it, unless `reveal`.
 */
export function printError(error: SessionjarError, json: boolean, reveal = false): void {
  const scrub = (text: string) => (reveal ? text : scrubUrls(scrubRegistered(text)));
  if (json) {
    const payload = { error: { code: error.code, message: error.message, ...error.details } };
    process.stderr.write(`${scrub(JSON.stringify(reveal ? payload : scrubRegisteredIn(payload)))}\n`);
    return;
  }
  process.stderr.write(scrub(`sessionjar: error [${error.code}]: ${error.message}\n`));
  if (process.env.SESSIONJAR_DEBUG) process.stderr.write(scrub(causeChain(error)));
}

/** Reports an error that ended a command and returns the exit status; anything but a SessionjarError is INTERNAL. */
export function exitStatusFor(error: unknown, json: boolean, reveal = false): number {
  const reported = isSessionjarError(error)
    ? error
    : new SessionjarError('INTERNAL', `unexpected error: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  printError(reported, json, reveal);
  return exitCodeFor(reported.code);
}

/**
 * A bug that throws outside a command's own code (an event handler, a timer, a promise nobody
 * awaits) would reach Node's own printer, which prints its message and stack as they are: it is
 * reported like any error instead, scrubbed, with INTERNAL's exit status. Installed by each entry
 * (program.ts, request-fast.ts), so it scrubs with the secrets that entry's modules registered.
 */
export function reportCrashes(json: boolean, reveal: boolean): void {
  const crash = (error: unknown) => process.exit(exitStatusFor(error, json, reveal));
  process.on('uncaughtException', crash).on('unhandledRejection', crash);
}

/** For SESSIONJAR_DEBUG: the error's stack, then each cause's, a few levels deep. */
function causeChain(error: Error): string {
  const lines = [error.stack ?? error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return `${lines.join('\n')}\n`;
}
