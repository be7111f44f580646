import type { Command } from 'commander';
import { defaultStore } from '../store/default-store.js';
import type { FileStore } from '../store/file-store.js';
import { warn } from './output.js';

/**
 * The store the CLI works on: --dir, else $SESSIONJAR_DIR, else ./recordings. Encrypted files use
 * SESSIONJAR_PASSPHRASE, SESSIONJAR_KEY_FILE or a terminal prompt (never a command-line argument).
 */
export function storeFor(command: Command): FileStore {
  return storeIn(command.optsWithGlobals<{ dir?: string }>().dir);
}

/** The store for the global --dir (undefined: not given). */
export function storeIn(dir: string | undefined): FileStore {
  return defaultStore(process.env, dir, { onWarning: warn });
}
