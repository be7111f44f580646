import type { Command } from 'commander';
import { SessionjarError } from '../core/errors.js';
import { defaultStore } from '../store/default-store.js';
import type { FileStore } from '../store/file-store.js';
import { storeAt, type ClosableStore } from '../store/open-store.js';
import { warn } from './output.js';

/** Stores this run opened: program.ts and request-fast.ts close them when the command is done. */
const opened = new Set<ClosableStore>();

/**
 * The store the CLI works on: --store (a redis://… URL or a folder), else --dir, else
 * $SESSIONJAR_STORE, else $SESSIONJAR_DIR, else ./recordings. Encrypted sessions use
 * SESSIONJAR_PASSPHRASE, SESSIONJAR_KEY_FILE or a terminal prompt (never a command-line argument).
 */
export function storeFor(command: Command): ClosableStore {
  const { dir, store } = command.optsWithGlobals<{ dir?: string; store?: string }>();
  return storeIn(dir, store);
}

/** The store for the global --dir and --store (undefined: not given). */
export function storeIn(dir: string | undefined, store?: string): ClosableStore {
  const url = store ?? (dir === undefined ? process.env.SESSIONJAR_STORE || undefined : undefined);
  return url === undefined ? defaultStore(process.env, dir, { onWarning: warn }) : remember(storeAt(url, { onWarning: warn }));
}

/** The session files of --dir ($SESSIONJAR_DIR, ./recordings), whatever --store says: push and pull's local side. */
export function fileStoreFor(command: Command): FileStore {
  return defaultStore(process.env, command.optsWithGlobals<{ dir?: string }>().dir, { onWarning: warn });
}

/** The shared store of --store or $SESSIONJAR_STORE: push and pull's other side; USAGE when neither is given. */
export function sharedStoreFor(command: Command, verb: string): ClosableStore {
  const url = command.optsWithGlobals<{ store?: string }>().store ?? (process.env.SESSIONJAR_STORE || undefined);
  if (url === undefined) {
    throw new SessionjarError('USAGE', `${verb} needs the shared store: give --store redis://host:6379/0 (or unix:///path/redis.sock?db=0), or set $SESSIONJAR_STORE.`);
  }
  return remember(storeAt(url, { onWarning: warn }));
}

/** Closes the connections the command opened (a Redis store's); never throws. */
export async function closeStores(): Promise<void> {
  const stores = [...opened];
  opened.clear();
  await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
}

function remember(store: ClosableStore): ClosableStore {
  opened.add(store);
  return store;
}
