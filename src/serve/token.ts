import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.js';

/** A fresh random token: 32 bytes, URL-safe (it also goes in `http://x:TOKEN@host/` userinfo). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface TokenFile {
  path: string;
  remove(): Promise<void>;
}

/**
 * Writes the token for scripts to read: 0600, atomically, at `path` or in a fresh 0700 folder under
 * the temp dir. `remove()` deletes what was made (the folder too when it was made here).
 *
 * @example
 * ```ts
 * const file = await writeTokenFile(token);
 * console.log(file.path); // /tmp/sessionjar-serve-Ab12Cd/token
 * ```
 */
export async function writeTokenFile(token: string, path?: string): Promise<TokenFile> {
  const dir = path === undefined ? await mkdtemp(join(tmpdir(), 'sessionjar-serve-')) : undefined;
  const file = path ?? join(dir as string, 'token');
  await writeFileAtomic(file, `${token}\n`, 0o600);
  return {
    path: file,
    remove: () => rm(dir ?? file, { recursive: true, force: true }),
  };
}
