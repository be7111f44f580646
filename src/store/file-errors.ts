import type { Stats } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { SessionjarError } from '../core/errors.js';

// The file store's errors: each names the file and says what to do.

/** Relative to the working directory when inside it (`recordings/github.json`), else absolute. */
export function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function notFound(location: string, name: string | undefined): SessionjarError {
  const message = name
    ? `no session named "${name}" (looked for ${location}). Run \`sessionjar list\` to see the recorded sessions, or \`sessionjar record ${name} --url <login-url>\` to record it.`
    : `no session file at ${location}. Check the path, or run \`sessionjar list\` to see the recorded sessions.`;
  return new SessionjarError('SESSION_NOT_FOUND', message, { details: { file: location } });
}

export function symlinkRefused(location: string): SessionjarError {
  return new SessionjarError(
    'UNSAFE_PATH',
    `${location} is a symbolic link; sessionjar refuses to read or write session files through links. Replace it with the file itself.`,
    { details: { file: location } },
  );
}

export function notASessionFile(location: string): SessionjarError {
  return new SessionjarError(
    'SESSION_INVALID',
    `${location} is not a sessionjar session file (it has no "generator": "sessionjar@…" and is no encrypted session), so it was not deleted. Give the name of a session (\`sessionjar list\` shows them) or the path of a session file.`,
    { details: { file: location } },
  );
}

export function notAFile(location: string): SessionjarError {
  return new SessionjarError('UNSAFE_PATH', `${location} is not a regular file; a session file must be one.`, {
    details: { file: location },
  });
}

export function ioError(action: string, path: string, error: unknown): SessionjarError {
  if (error instanceof SessionjarError) return error;
  // The usual cause: --dir or $SESSIONJAR_DIR names a file.
  const hint = code(error) === 'ENOTDIR' ? ' (a file stands where a folder should be). Point --dir or $SESSIONJAR_DIR at a folder, not a file.' : '';
  return new SessionjarError('IO_ERROR', `cannot ${action} ${display(path)}: ${(error as Error).message}${hint}`, {
    cause: error,
    details: { file: display(path) },
  });
}

export function octal(info: Stats): string {
  return `0${(info.mode & 0o777).toString(8)}`;
}

export function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}
