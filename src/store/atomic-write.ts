import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { storeHooks } from './test-hooks.js';

/** `.github.json.4242.9f86d081884c.tmp`: hidden, unique per process and attempt, never `*.json`. */
const TEMP_FILE = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

export function isTempFile(fileName: string): boolean {
  return TEMP_FILE.test(fileName);
}

/**
 * Replaces `path` so that a reader, or a crash at any moment, sees either the old file or the new
 * one, never a part: write a temp file in the same folder (same file system, so rename is atomic),
 * fsync it, rename it over the target, fsync the folder so the rename itself is durable.
 * The temp file is created with `mode` and fchmod'ed again, so the umask cannot loosen it.
 * `sync: false` skips both fsyncs, for state that may be lost in a crash but never torn (a pool's
 * last-use times): still all or nothing, at a fraction of the cost.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600, { sync = true }: { sync?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.chmod(mode);
      await handle.writeFile(data);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await storeHooks.beforeRename?.(temp);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (sync) await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some file systems (and Windows) cannot open or fsync a directory; the rename still happened.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}
