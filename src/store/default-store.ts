import { FileStore, type FileStoreOptions } from './file-store.js';

/**
 * The store a user means when they name none: `dir`, else $SESSIONJAR_DIR, else ./recordings
 * (relative to the working directory).
 */
export function defaultStore(
  env: NodeJS.ProcessEnv = process.env,
  dir?: string,
  options: Omit<FileStoreOptions, 'dir'> = {},
): FileStore {
  return new FileStore({ ...options, dir: dir ?? env.SESSIONJAR_DIR ?? 'recordings' });
}
