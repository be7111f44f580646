import { FileStore, type FileStoreOptions } from './file-store.js';
import { defaultKeyProvider, envKeyProvider } from './keys.js';

/**
 * The store a user means when they name none: `dir`, else $SESSIONJAR_DIR, else ./recordings
 * (relative to the working directory). Encrypted files are read with the key `env` provides
 * (SESSIONJAR_PASSPHRASE, SESSIONJAR_KEY_FILE) or, for this process's own environment, a terminal prompt.
 */
export function defaultStore(
  env: NodeJS.ProcessEnv = process.env,
  dir?: string,
  options: Omit<FileStoreOptions, 'dir'> = {},
): FileStore {
  const keys = env === process.env ? defaultKeyProvider() : envKeyProvider({ env });
  return new FileStore({ keys, ...options, dir: dir ?? env.SESSIONJAR_DIR ?? 'recordings' });
}
