import { readFileSync } from 'node:fs';
import { SessionjarError } from '../core/errors.js';
import { registerSecrets } from '../core/redact.js';
import type { Kdf, KeySource } from '../session/envelope.js';

/**
 * Supplies key material to a store that meets an encrypted file (or is asked to encrypt one).
 * `kdf` is what the file needs ("scrypt": a passphrase, "none": a raw key); undefined when a plain
 * file is being encrypted and the provider may choose.
 */
export interface KeyProvider {
  keyFor(file: string, kdf?: Kdf): Promise<KeySource>;
}

export interface EnvKeyOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Ask on the terminal when neither variable is set. Default: when stdin and stderr are both a
   * TTY. A function replaces the terminal prompt (for tests and embedding).
   */
  prompt?: boolean | ((question: string) => Promise<string>);
}

const HOW_TO =
  'set SESSIONJAR_PASSPHRASE, or SESSIONJAR_KEY_FILE to a file holding a 32-byte key (64 hex digits, base64, or 32 raw bytes), or run in a terminal to type the passphrase';

/**
 * Key material from the environment, in this order: SESSIONJAR_PASSPHRASE, then the key in the file
 * SESSIONJAR_KEY_FILE names, then a passphrase typed at the terminal (asked once per process).
 * Never from a command-line argument: those show in `ps` and shell history.
 *
 * @example
 * const store = new FileStore({ dir: 'recordings', keys: envKeyProvider({ env: { SESSIONJAR_KEY_FILE: '/run/secrets/sj.key' }, prompt: false }) });
 */
export function envKeyProvider(options: EnvKeyOptions = {}): KeyProvider {
  const env = options.env ?? process.env;
  // Settled when a passphrase is first needed: process.stdin sets up a stream a plain file never reads.
  const prompt = () =>
    typeof options.prompt === 'function'
      ? options.prompt
      : (options.prompt ?? (process.stdin.isTTY === true && process.stderr.isTTY === true))
        ? promptHidden
        : undefined;
  let typed: Promise<string> | undefined;
  const passphrase = (file: string, confirm: boolean): Promise<string> | undefined => {
    if (env.SESSIONJAR_PASSPHRASE) return Promise.resolve(env.SESSIONJAR_PASSPHRASE);
    const ask = prompt();
    if (!ask) return undefined;
    typed ??= askPassphrase(ask, file, confirm).catch((error: unknown) => {
      typed = undefined;
      throw error;
    });
    return typed;
  };
  return {
    async keyFor(file, kdf) {
      if (kdf === 'none' || (kdf === undefined && !env.SESSIONJAR_PASSPHRASE && env.SESSIONJAR_KEY_FILE)) {
        if (!env.SESSIONJAR_KEY_FILE) {
          throw new SessionjarError(
            'PASSPHRASE_REQUIRED',
            `${file}: encrypted with a key file; set SESSIONJAR_KEY_FILE to the file holding the key.`,
            { details: { file } },
          );
        }
        return { key: readKeyFile(env.SESSIONJAR_KEY_FILE) };
      }
      const pending = passphrase(file, kdf === undefined);
      if (!pending) {
        throw new SessionjarError(
          'PASSPHRASE_REQUIRED',
          kdf === 'scrypt'
            ? `${file}: encrypted with a passphrase and none is available: set SESSIONJAR_PASSPHRASE or run in a terminal to type it.`
            : `${file}: encrypting needs a passphrase or key and none is available: ${HOW_TO}.`,
          { details: { file } },
        );
      }
      const value = await pending;
      registerSecrets([value]);
      return { passphrase: value };
    },
  };
}

let processDefault: KeyProvider | undefined;

/**
 * The provider for this process's own environment and terminal, shared so a passphrase typed once
 * serves every store the process opens.
 */
export function defaultKeyProvider(): KeyProvider {
  processDefault ??= envKeyProvider();
  return processDefault;
}

/**
 * Always the same key: for library users who hold the passphrase or key themselves.
 *
 * @example
 * const store = new FileStore({ dir: 'recordings', keys: fixedKeyProvider({ passphrase: await vault.get('sessionjar') }) });
 */
export function fixedKeyProvider(source: KeySource): KeyProvider {
  return { keyFor: async () => source };
}

/**
 * A key file holds exactly 32 bytes: as 64 hex digits, as base64 (44 characters), or raw. Surrounding
 * whitespace (a trailing newline) is ignored for the text forms.
 * `openssl rand -hex 32 > key` makes one.
 */
export function readKeyFile(path: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SessionjarError(
      'PASSPHRASE_REQUIRED',
      `SESSIONJAR_KEY_FILE: cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Point it at a file holding a 32-byte key; create one with \`openssl rand -hex 32 > ${path}\`.`,
      { cause: error },
    );
  }
  const text = bytes.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.length === 32) return decoded;
  }
  if (bytes.length === 32) return bytes;
  throw new SessionjarError(
    'ENCRYPTION_ERROR',
    `SESSIONJAR_KEY_FILE: "${path}" does not hold a 32-byte key (${bytes.length} bytes; expected 64 hex digits, 44 characters of base64, or 32 raw bytes). Create one with \`openssl rand -hex 32 > ${path}\`.`,
  );
}

async function askPassphrase(ask: (question: string) => Promise<string>, file: string, confirm: boolean): Promise<string> {
  const first = await ask(`Passphrase for ${file}: `);
  if (first.length === 0) throw new SessionjarError('PASSPHRASE_REQUIRED', `${file}: an empty passphrase is not accepted; ${HOW_TO}.`);
  if (confirm && (await ask('Repeat the passphrase: ')) !== first) {
    throw new SessionjarError('PASSPHRASE_REQUIRED', `${file}: the two passphrases differ; nothing was written. Run the command again.`);
  }
  return first;
}

/** Reads one line from the terminal without echoing it. Ctrl-C or Ctrl-D on an empty line cancels. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) {
          return finish(new SessionjarError('PASSPHRASE_REQUIRED', `passphrase prompt cancelled; ${HOW_TO}.`));
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
