import type { Command } from 'commander';
import { FileStore } from '../store/file-store.js';
import type { SessionStore } from '../store/types.js';
import { warn } from './output.js';

/** The store the CLI works on: --dir, else $SESSIONJAR_DIR, else ./recordings. */
export function storeFor(command: Command): SessionStore {
  const { dir } = command.optsWithGlobals<{ dir?: string }>();
  return new FileStore({ dir: dir ?? process.env.SESSIONJAR_DIR ?? 'recordings', onWarning: warn });
}
