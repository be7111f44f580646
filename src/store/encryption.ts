import { SessionjarError } from '../core/errors.js';
import { decryptEnvelope, encryptSession, readEnvelopeHeader, type EnvelopeHeader, type KeySource } from '../session/envelope.js';
import { isEncryptedEnvelope } from '../session/schema/document.js';
import type { Session } from '../session/schema/index.js';
import { rememberSessionSecrets } from '../session/secrets.js';
import type { KeyProvider } from './keys.js';

/**
 * How a file store turns file text into session JSON and back when encryption is involved. A plain
 * file stays plain and an encrypted one stays encrypted (same salt, fresh nonce) unless a caller asks
 * otherwise with `encrypt: true | false`.
 */

/** The envelope header of a file's text, or undefined for a plain (or unparseable) file. */
export function envelopeHeaderOf(text: string, location: string): EnvelopeHeader | undefined {
  // Most files are plain: skip the extra JSON.parse unless the text could be an envelope.
  if (!text.includes('"encrypted"')) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const record = doc as Record<string, unknown>;
  return isEncryptedEnvelope(record) ? readEnvelopeHeader(record, location) : undefined;
}

/**
 * The session JSON text of a file: the text itself when plain, the decrypted text when encrypted.
 * Throws PASSPHRASE_REQUIRED when there is no key provider or key, ENCRYPTION_ERROR when the key is
 * wrong or the file was modified.
 */
export async function openFileText(text: string, location: string, keys: KeyProvider | undefined): Promise<string> {
  const header = envelopeHeaderOf(text, location);
  if (!header) return text;
  if (!keys) {
    throw new SessionjarError(
      'PASSPHRASE_REQUIRED',
      `${location}: this session file is encrypted and no key was given; set SESSIONJAR_PASSPHRASE (or SESSIONJAR_KEY_FILE), or pass a \`keys\` provider to the store.`,
      { details: { file: location } },
    );
  }
  const key = await keys.keyFor(location, header.kdf);
  return decryptEnvelope(JSON.parse(text) as Record<string, unknown>, key, location);
}

/**
 * The text to write. `current` is the header of the file on disk now (undefined: plain or none);
 * `encrypt` undefined keeps the file's current state.
 */
export async function sealFileText(
  json: string,
  location: string,
  keys: KeyProvider | undefined,
  current: EnvelopeHeader | undefined,
  encrypt: boolean | undefined,
): Promise<string> {
  if (!(encrypt ?? current !== undefined)) return json;
  const key = await keyForWriting(location, keys, current);
  return `${JSON.stringify(await encryptSession(json, key, current), null, 2)}\n`;
}

/** The key for writing `location` encrypted; `current` is its header on disk, if encrypted now. */
export async function keyForWriting(location: string, keys: KeyProvider | undefined, current?: EnvelopeHeader): Promise<KeySource> {
  if (!keys) {
    throw new SessionjarError(
      'PASSPHRASE_REQUIRED',
      `${location}: ${current ? 'this session file is encrypted and stays encrypted' : 'encrypting'} needs a key and none was given; set SESSIONJAR_PASSPHRASE (or SESSIONJAR_KEY_FILE). Nothing was written.`,
      { details: { file: location } },
    );
  }
  return keys.keyFor(location, current?.kdf);
}

/**
 * Makes every later error message and stack trace of this process hide the session's secrets
 * (worked out only when something is printed, so a load or write-back costs nothing for it).
 */
export function rememberSecrets(session: Session): void {
  rememberSessionSecrets(session);
}
