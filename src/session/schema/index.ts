import { z } from 'zod';
import { SessionjarError } from '../../core/errors.js';
import { isEncryptedEnvelope } from './document.js';
import { SessionV1Schema, type SessionV1 } from './v1.js';

export * from './v1.js';
export { isEncryptedEnvelope, serializeSession } from './document.js';
export { StepSchema, WaitForSchema, type Step, type WaitFor } from './recipe.js';

/** The format this sessionjar writes. */
export const CURRENT_VERSION = 1;

/** The current session document: what every other module reads and writes. */
export type Session = SessionV1;
export const SessionSchema = SessionV1Schema;

/**
 * A migration turns a document of version N (already JSON-parsed, not yet validated) into one of
 * version N + 1. Each format change adds one entry; old files walk the chain up to the current
 * version on load and are written back in the current version only when something is saved.
 */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** Keyed by the version migrated *from*. Version 1 is the first format: nothing to migrate yet. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

export function migrate(
  doc: Record<string, unknown>,
  target = CURRENT_VERSION,
  chain: Readonly<Record<number, Migration>> = MIGRATIONS,
): Record<string, unknown> {
  let current = doc;
  for (;;) {
    const version = current.version;
    if (version === target) return current;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new Error('version: must be a positive integer');
    }
    const step = chain[version];
    if (!step) throw new Error(`version: no migration from version ${version}`);
    current = step(current);
  }
}

/** Where a document came from, for error messages ("recordings/github.json"). */
export interface Source {
  file: string;
}

/**
 * Parses and validates a session file's text. Never writes anything: a bad file is reported and
 * left exactly as it is. An encrypted envelope (a top-level `encrypted` object) is recognised and
 * reported here; decryption belongs to the store.
 */
export function parseSession(text: string, source: Source): Session {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SessionjarError(
      'SESSION_INVALID',
      `${source.file}: not valid JSON (${withoutExcerpt((error as Error).message)}). The file was left unchanged; fix it or re-record the session.`,
      // No cause: the SyntaxError's own message quotes the file's text.
      { details: { file: source.file } },
    );
  }
  return validateSession(raw, source);
}

/**
 * V8 quotes the text around a JSON syntax error ("Unexpected token 'x', "…" is not valid JSON"); in a
 * session file that text is likely a cookie value or token, so only the position-free part is kept.
 */
function withoutExcerpt(message: string): string {
  return message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, ' (excerpt withheld: it may hold a secret)');
}

export function validateSession(raw: unknown, source: Source): Session {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(source, '✖ expected a JSON object at the top level');
  }
  const doc = raw as Record<string, unknown>;
  if (isEncryptedEnvelope(doc)) {
    throw new SessionjarError(
      'ENCRYPTION_ERROR',
      `${source.file}: this session file is encrypted; load it through sessionjar's store (which asks for SESSIONJAR_PASSPHRASE or SESSIONJAR_KEY_FILE) or decrypt it with \`sessionjar decrypt\`.`,
      { details: { file: source.file } },
    );
  }
  const version = doc.version;
  if (typeof version === 'number' && version > CURRENT_VERSION) {
    throw new SessionjarError(
      'SESSION_TOO_NEW',
      `${source.file}: written by a newer sessionjar (format version ${version}; this sessionjar reads up to ${CURRENT_VERSION}). Upgrade sessionjar to use it; the file was left unchanged.`,
      { details: { file: source.file, version } },
    );
  }
  let migrated: Record<string, unknown>;
  try {
    migrated = migrate(doc);
  } catch (error) {
    throw invalid(source, `✖ ${(error as Error).message}\n  → at version`);
  }
  const result = SessionSchema.safeParse(migrated);
  if (!result.success) throw invalid(source, z.prettifyError(result.error));
  return result.data;
}

function invalid(source: Source, detail: string): SessionjarError {
  return new SessionjarError(
    'SESSION_INVALID',
    `${source.file}: not a valid sessionjar session file:\n${detail}\nThe file was left unchanged; fix the field named above or re-record the session.`,
    { details: { file: source.file } },
  );
}
