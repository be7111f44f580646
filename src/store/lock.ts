import { open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionjarError } from '../core/errors.js';
import { storeHooks } from './test-hooks.js';

/** node:os once a lock is taken: a plain `sessionjar request` takes none and saves loading it. */
const hostname = () => process.getBuiltinModule('node:os').hostname();

export interface FileLockOptions {
  /** Give up with LOCK_TIMEOUT after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock whose file was not touched for this long is taken over (default 30 s). */
  staleMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_STALE_LOCK_MS = 30_000;
/** A stale-lock breaker dies only between two syscalls; its guard is abandoned after this. */
const GUARD_STALE_MS = 2_000;
const MAX_BACKOFF_MS = 50;

/**
 * Locks this process holds now. A lock file naming our own pid that is not in here was left by an
 * earlier process that had the same pid (common in containers, where pids restart from 1).
 */
const heldHere = new Map<string, FileHandle>();

interface Holder {
  pid?: number;
  host?: string;
  since?: string;
}

interface LockFile {
  ino: number;
  mtimeMs: number;
  holder: Holder;
}

/**
 * Runs `fn` while holding an exclusive lock shared by every process on this machine: the lock is
 * the file `lockPath`, created with O_EXCL and holding the owner's pid. A lock whose owner is dead
 * (same host, pid gone) or that was not refreshed for `staleMs` is taken over; while `fn` runs the
 * lock's mtime is refreshed so a long `fn` is not mistaken for a dead one. Always released.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockPath = resolve(path);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_LOCK_MS;
  const handle = await acquire(lockPath, timeoutMs, staleMs);
  const heartbeat = setInterval(() => {
    const now = new Date();
    handle.utimes(now, now).catch(() => undefined);
  }, Math.max(10, Math.floor(staleMs / 3)));
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await release(lockPath, handle);
  }
}

async function acquire(lockPath: string, timeoutMs: number, staleMs: number): Promise<FileHandle> {
  const deadline = Date.now() + timeoutMs;
  let backoff = 1;
  for (;;) {
    const handle = await tryCreate(lockPath);
    if (handle) return handle;
    if (await breakIfStale(lockPath, staleMs)) continue;
    storeHooks.lockBusy?.(lockPath);
    const left = deadline - Date.now();
    if (left <= 0) throw await timeoutError(lockPath, timeoutMs);
    // Jitter keeps two waiters from retrying in lockstep.
    await sleep(Math.min(left, backoff * (0.5 + Math.random())));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

async function tryCreate(lockPath: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw lockIoError(lockPath, error);
  }
  heldHere.set(lockPath, handle);
  try {
    const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    await handle.writeFile(JSON.stringify(holder));
    return handle;
  } catch (error) {
    heldHere.delete(lockPath);
    await handle.close();
    await unlink(lockPath).catch(() => undefined);
    throw lockIoError(lockPath, error);
  }
}

/** true when the lock is gone (now or already): try to create it again at once. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  const seen = await inspect(lockPath);
  if (!seen) return true;
  if (!isStale(lockPath, seen, staleMs)) return false;
  // Breakers take turns: otherwise one could delete the fresh lock another breaker just created.
  const guardPath = `${lockPath}.break`;
  let guard: FileHandle;
  try {
    guard = await open(guardPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockIoError(guardPath, error);
    const abandoned = await inspect(guardPath);
    if (abandoned && Date.now() - abandoned.mtimeMs > GUARD_STALE_MS) await unlink(guardPath).catch(() => undefined);
    return false;
  }
  try {
    const now = await inspect(lockPath);
    if (now && now.ino === seen.ino && isStale(lockPath, now, staleMs)) await unlink(lockPath).catch(() => undefined);
    return true;
  } finally {
    await guard.close();
    await unlink(guardPath).catch(() => undefined);
  }
}

function isStale(lockPath: string, lock: LockFile, staleMs: number): boolean {
  if (Date.now() - lock.mtimeMs > staleMs) return true;
  const { pid, host } = lock.holder;
  if (pid === undefined || host !== hostname()) return false;
  if (pid === process.pid) return !heldHere.has(lockPath);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function inspect(path: string): Promise<LockFile | undefined> {
  try {
    const info = await stat(path);
    return { ino: info.ino, mtimeMs: info.mtimeMs, holder: parseHolder(await readFile(path, 'utf8').catch(() => '')) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw lockIoError(path, error);
  }
}

/** The owner writes its pid just after creating the file; until then the content is empty. */
function parseHolder(text: string): Holder {
  try {
    const value = JSON.parse(text) as Holder;
    return {
      pid: Number.isSafeInteger(value.pid) ? value.pid : undefined,
      host: typeof value.host === 'string' ? value.host : undefined,
      since: typeof value.since === 'string' ? value.since : undefined,
    };
  } catch {
    return {};
  }
}

/** Deletes the lock only if it is still ours (it may have been taken over as stale meanwhile). */
async function release(lockPath: string, handle: FileHandle): Promise<void> {
  if (heldHere.get(lockPath) === handle) heldHere.delete(lockPath);
  try {
    const mine = await handle.stat();
    const current = await stat(lockPath).catch(() => undefined);
    if (current && current.ino === mine.ino && current.dev === mine.dev) await unlink(lockPath).catch(() => undefined);
  } finally {
    await handle.close();
  }
}

async function timeoutError(lockPath: string, timeoutMs: number): Promise<SessionjarError> {
  const holder = (await inspect(lockPath).catch(() => undefined))?.holder;
  const by = holder?.pid === undefined ? '' : ` (held by process ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}${holder.since ? ` since ${holder.since}` : ''})`;
  return new SessionjarError(
    'LOCK_TIMEOUT',
    `could not take the lock ${lockPath} within ${timeoutMs} ms${by}. Another sessionjar is using this session; if no sessionjar process is running, delete ${lockPath} and try again.`,
    { details: { lock: lockPath, ...(holder?.pid === undefined ? {} : { pid: holder.pid }) } },
  );
}

function lockIoError(path: string, error: unknown): SessionjarError {
  return new SessionjarError('IO_ERROR', `cannot use the lock file ${path}: ${(error as Error).message}`, {
    cause: error,
    details: { lock: path },
  });
}
