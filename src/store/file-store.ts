import { constants, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SessionjarError } from '../core/errors.js';
import { isSessionFileText } from '../session/marker.js';
import { touch } from '../session/new-session.js';
import { serializeSession } from '../session/schema/document.js';
import type { Session } from '../session/schema/index.js';
import { quickParseSession } from '../session/schema/quick.js';
import { isTempFile, writeFileAtomic } from './atomic-write.js';
import { code, display, ioError, notAFile, notASessionFile, notFound, octal, symlinkRefused } from './file-errors.js';
import { DEFAULT_STALE_LOCK_MS, withFileLock } from './lock.js';
import { envelopeHeaderOf, keyForWriting, openFileText, rememberSecrets, sealFileText } from './encryption.js';
import { defaultKeyProvider, type KeyProvider } from './keys.js';
import { checkLockScope, checkSessionName, isPathRef } from './names.js';
import type { SaveOptions, SessionEntry, SessionStore } from './types.js';

export interface FileStoreOptions {
  /** Folder of `<name>.json` files; created 0700 on first write. */
  dir: string;
  /** Told about files and folders other users could read (and that were tightened). */
  onWarning?: (message: string) => void;
  /** How long to wait for a lock: default 10 s for `save`/`update`/`delete`, 120 s for `withLock`. */
  lockTimeoutMs?: number;
  staleLockMs?: number;
  /**
   * Key material for encrypted files (README "Encryption"). Default: SESSIONJAR_PASSPHRASE, then
   * SESSIONJAR_KEY_FILE, then a terminal prompt. null: none; an encrypted file is PASSPHRASE_REQUIRED.
   */
  keys?: KeyProvider | null;
}

export interface WithLockOptions {
  /** Default 120 s: the holder may be logging in with a browser. */
  timeoutMs?: number;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const STRAY_TEMP_AGE_MS = 60_000;
const DEFAULT_UPDATE_TIMEOUT_MS = 10_000;
const DEFAULT_SCOPE_TIMEOUT_MS = 120_000;
const MARKER_READ_BYTES = 1 << 20;
// Refuses to follow a symlink at open time too, closing the gap after the lstat check.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Session files in one folder (`recordings/` by default). Writes are atomic and 0600; read–modify–
 * write goes through a per-file cross-process lock; a file that fails to load is never written.
 */
export class FileStore implements SessionStore {
  readonly dir: string;
  readonly #warn: (message: string) => void;
  readonly #lockTimeoutMs: number | undefined;
  readonly #staleLockMs: number;
  readonly #keys: KeyProvider | undefined;

  constructor(options: FileStoreOptions) {
    this.dir = resolve(options.dir);
    this.#warn = options.onWarning ?? ((message) => process.emitWarning(message, 'SessionjarWarning'));
    this.#lockTimeoutMs = options.lockTimeoutMs;
    this.#staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
    this.#keys = options.keys === null ? undefined : (options.keys ?? defaultKeyProvider());
  }

  /** The absolute path of the file `ref` names: `<dir>/<name>.json`, or the path itself. */
  pathOf(ref: string): string {
    return isPathRef(ref) ? resolve(ref) : join(this.dir, `${checkSessionName(ref)}.json`);
  }

  locate(ref: string): string {
    return display(this.pathOf(ref));
  }

  async load(ref: string): Promise<Session> {
    return this.#loadPath(this.pathOf(ref), isPathRef(ref) ? undefined : ref);
  }

  /** An encrypted file stays encrypted, a plain one plain, unless `options.encrypt` says otherwise. */
  async save(ref: string, session: Session, options: SaveOptions = {}): Promise<void> {
    const path = this.pathOf(ref);
    const valid = (await import('./validate.js')).validateForSave(session, display(path));
    rememberSecrets(valid);
    await this.#prepareDir(path);
    await this.#locked(`${path}.lock`, () => this.#write(path, serializeSession(valid), options.encrypt));
  }

  async update(ref: string, fn: (current: Session) => Session | Promise<Session>, options: SaveOptions = {}): Promise<Session> {
    const path = this.pathOf(ref);
    const name = isPathRef(ref) ? undefined : ref;
    await this.#prepareDir(path);
    return this.#locked(`${path}.lock`, async () => {
      const { validateForSave } = await import('./validate.js');
      const next = validateForSave(touch(await fn(await this.#loadPath(path, name))), display(path));
      rememberSecrets(next);
      await this.#write(path, serializeSession(next), options.encrypt);
      return next;
    });
  }

  /**
   * Obtains the key for encrypting `ref` now (a terminal prompt, if that is where it comes from), so
   * a caller can fail or ask before long work rather than at the save.
   */
  async ensureKey(ref: string): Promise<void> {
    await keyForWriting(this.locate(ref), this.#keys);
  }

  /** Whether the file is encrypted; reads only its header, needs no key. */
  async isEncrypted(ref: string): Promise<boolean> {
    const path = this.pathOf(ref);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') throw notFound(display(path), isPathRef(ref) ? undefined : ref);
      throw ioError('read', path, error);
    }
    return envelopeHeaderOf(text, display(path)) !== undefined;
  }

  /**
   * Rewrites the file encrypted (`true`) or plain, under the update lock, leaving the session as it
   * is (no new `updatedAt`). false when it already was so.
   */
  async setEncryption(ref: string, encrypt: boolean): Promise<boolean> {
    const path = this.pathOf(ref);
    const name = isPathRef(ref) ? undefined : ref;
    await this.#prepareDir(path);
    return this.#locked(`${path}.lock`, async () => {
      if ((await this.isEncrypted(ref)) === encrypt) return false;
      await this.#write(path, serializeSession(await this.#loadPath(path, name)), encrypt);
      return true;
    });
  }

  /**
   * Deletes a session file, a broken one too; a file that is no session file (`package.json`) is
   * refused with SESSION_INVALID and left as it is. A symlink is removed, never what it points to.
   */
  async delete(ref: string): Promise<boolean> {
    const path = this.pathOf(ref);
    if (!(await this.exists(ref))) return false;
    // Under the update lock, so a concurrent update cannot bring the file back half a moment later.
    return this.#locked(`${path}.lock`, async () => {
      if (!(await this.#isSessionFile(path))) throw notASessionFile(display(path));
      try {
        await unlink(path);
        return true;
      } catch (error) {
        if (code(error) === 'ENOENT') return false;
        throw ioError('delete', path, error);
      }
    });
  }

  /** true for a session file (valid or not), a symlink, and a file gone meanwhile (the unlink tells). */
  async #isSessionFile(path: string): Promise<boolean> {
    let handle;
    try {
      if ((await lstat(path)).isSymbolicLink()) return true;
      handle = await open(path, constants.O_RDONLY | O_NOFOLLOW);
    } catch (error) {
      if (code(error) === 'ENOENT') return true;
      throw ioError('check', path, error);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notAFile(display(path));
      // The markers are at the start of every file we write: a prefix is enough for a huge file.
      const buffer = Buffer.alloc(Math.min(info.size, MARKER_READ_BYTES));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return isSessionFileText(buffer.subarray(0, bytesRead).toString('utf8'));
    } catch (error) {
      if (error instanceof SessionjarError) throw error;
      throw ioError('read', path, error);
    } finally {
      await handle.close();
    }
  }

  /** Nothing to close (files hold no connection); there so any store openStore gives can be closed. */
  async close(): Promise<void> {}

  async exists(ref: string): Promise<boolean> {
    const path = this.pathOf(ref);
    try {
      await lstat(path);
      return true;
    } catch (error) {
      if (code(error) === 'ENOENT') return false;
      throw ioError('check', path, error);
    }
  }

  async withLock<T>(ref: string, scope: string, fn: () => Promise<T>, options: WithLockOptions = {}): Promise<T> {
    const path = this.pathOf(ref);
    const lockPath = `${path}.${checkLockScope(scope)}.lock`;
    await this.#prepareDir(path);
    return withFileLock(lockPath, fn, {
      timeoutMs: options.timeoutMs ?? this.#lockTimeoutMs ?? DEFAULT_SCOPE_TIMEOUT_MS,
      staleMs: this.#staleLockMs,
    });
  }

  /** Every `*.json` in the folder, sorted by name; a file that fails to load comes with its error. */
  async list(): Promise<SessionEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (code(error) === 'ENOENT') return [];
      throw ioError('read the folder', this.dir, error);
    }
    const entries: SessionEntry[] = [];
    for (const fileName of names.sort()) {
      const path = join(this.dir, fileName);
      if (isTempFile(fileName)) {
        await removeIfStray(path);
        continue;
      }
      if (!fileName.endsWith('.json') || fileName.startsWith('.')) continue;
      const name = basename(fileName, '.json');
      const entry: SessionEntry = { name, location: display(path) };
      try {
        entry.session = await this.#loadPath(path, name);
      } catch (error) {
        entry.error = error as Error;
      }
      entries.push(entry);
    }
    return entries;
  }

  #locked<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(lockPath, fn, {
      timeoutMs: this.#lockTimeoutMs ?? DEFAULT_UPDATE_TIMEOUT_MS,
      staleMs: this.#staleLockMs,
    });
  }

  async #loadPath(path: string, name: string | undefined): Promise<Session> {
    const location = display(path);
    let handle;
    try {
      handle = await open(path, constants.O_RDONLY | O_NOFOLLOW);
    } catch (error) {
      if (code(error) === 'ENOENT') throw notFound(location, name);
      if (code(error) === 'ELOOP') throw symlinkRefused(location);
      throw ioError('read', path, error);
    }
    let text: string;
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notAFile(location);
      text = await handle.readFile('utf8');
      if (info.mode & 0o077) {
        // Only the permission bits change; the content of a file that fails to load stays as it is.
        await this.#tighten(() => handle.chmod(FILE_MODE), `${location} had mode ${octal(info)}, readable by other users`, '0600');
      }
    } catch (error) {
      throw ioError('read', path, error);
    } finally {
      await handle.close();
    }
    const json = await openFileText(text, location, this.#keys);
    // zod (the validator, its schema, its messages) loads only for a file the quick check leaves to it.
    const session = quickParseSession(json) ?? (await import('../session/schema/index.js')).parseSession(json, { file: location });
    rememberSecrets(session);
    return session;
  }

  /** Warns about loose permissions and fixes them; a file we may not chmod is still usable. */
  async #tighten(chmodIt: () => Promise<void>, problem: string, mode: string): Promise<void> {
    try {
      await chmodIt();
      this.#warn(`${problem}; set it to ${mode}`);
    } catch (error) {
      this.#warn(`${problem}, and it could not be set to ${mode} (${(error as Error).message}); fix it with chmod ${mode.slice(1)}`);
    }
  }

  /** `encrypt` undefined: as the file on disk is now (a new file: plain). */
  async #write(path: string, text: string, encrypt?: boolean): Promise<void> {
    const location = display(path);
    let info: Stats | undefined;
    try {
      info = await lstat(path);
    } catch (error) {
      if (code(error) !== 'ENOENT') throw ioError('check', path, error);
    }
    if (info?.isSymbolicLink()) throw symlinkRefused(location);
    if (info && !info.isFile()) throw notAFile(location);
    if (info && info.mode & 0o077) {
      this.#warn(`${location} had mode ${octal(info)}, readable by other users; rewritten with mode 0600`);
    }
    let current;
    try {
      current = info ? envelopeHeaderOf(await readFile(path, 'utf8'), location) : undefined;
    } catch (error) {
      // Keeping a file as it is needs to know what it is; an explicit choice replaces even a broken one.
      if (encrypt === undefined) throw ioError('read', path, error);
    }
    const data = await sealFileText(text, location, this.#keys, current, encrypt);
    try {
      await writeFileAtomic(path, data, FILE_MODE);
    } catch (error) {
      throw ioError('write', path, error);
    }
  }

  /** The store's own folder is 0700 (created so, or tightened with a warning); other parents are only created. */
  async #prepareDir(path: string): Promise<void> {
    const dir = dirname(path);
    if (dir !== this.dir) {
      await mkdir(dir, { recursive: true, mode: DIR_MODE }).catch((error: unknown) => {
        throw ioError('create the folder', dir, error);
      });
      return;
    }
    try {
      const info = await stat(dir);
      if (info.mode & 0o077) {
        const problem = `${display(dir)} had mode ${octal(info)}, so other users could list or read its sessions`;
        await this.#tighten(() => chmod(dir, DIR_MODE), problem, '0700');
      }
    } catch (error) {
      if (code(error) !== 'ENOENT') throw ioError('check the folder', dir, error);
      try {
        await mkdir(dir, { recursive: true, mode: DIR_MODE });
        await chmod(dir, DIR_MODE);
      } catch (mkdirError) {
        throw ioError('create the folder', dir, mkdirError);
      }
    }
  }
}

/** A temp file left by a crashed writer; a young one may belong to a save in progress. */
async function removeIfStray(path: string): Promise<void> {
  try {
    const info = await lstat(path);
    if (Date.now() - info.mtimeMs > STRAY_TEMP_AGE_MS) await unlink(path);
  } catch {
    // Gone already, or not ours to remove: listing goes on.
  }
}
