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

/** A session name made from free text (a file name, a mistaken path): `work/git hub` → `work-git-hub`. */
export function toSessionName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128);
  return NAME.test(name) ? name : '';
}

/**
 * A ref for a session about to be created. A `/` makes a ref a path, so `work/github` would
 * silently become the file `work/github`, outside the store and unseen by `list`: a path must end
 * in `.json` to be written.
 */
export function checkNewSessionRef(ref: string): string {
  if (!isPathRef(ref)) return checkSessionName(ref);
  if (!ref.endsWith('.json')) {
    const name = toSessionName(ref);
    throw new SessionjarError(
      'USAGE',
      `"${ref}" is a path (it has a "/") but does not end in .json: use a session name without "/"${name ? ` (such as "${name}")` : ''}, or end the path in .json to write that file.`,
      { details: { name: ref } },
    );
  }
  return ref;
}

/** Lock scopes become part of a file name (`github.json.refresh.lock`). */
export function checkLockScope(scope: string): string {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(scope)) {
    throw new SessionjarError('USAGE', `invalid lock scope "${scope}": use lowercase letters, digits and "-".`);
  }
  return scope;
}
