import { SessionjarError } from '../core/errors.js';

/** Safe as a file name on every OS, never hidden, never a temp or lock file of ours. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A ref with a path separator or a `.json` ending is a file path; anything else is a name. */
export function isPathRef(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
}

export function checkSessionName(name: string): string {
  if (!NAME.test(name)) {
    throw new SessionjarError(
      'USAGE',
      `invalid session name "${name}": use letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 128 characters), or give a path to a .json file.`,
      { details: { name } },
    );
  }
  return name;
}

/** Lock scopes become part of a file name (`github.json.refresh.lock`). */
export function checkLockScope(scope: string): string {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(scope)) {
    throw new SessionjarError('USAGE', `invalid lock scope "${scope}": use lowercase letters, digits and "-".`);
  }
  return scope;
}
