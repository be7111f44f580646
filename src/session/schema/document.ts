import type { Session } from './index.js';

// The parts of the session format a store needs to read and write a file, without zod (quick.ts says why).

/** The reserved whole-file encryption envelope: `{ "version": 1, "encrypted": { ... } }`. */
export function isEncryptedEnvelope(doc: Record<string, unknown>): boolean {
  return typeof doc.encrypted === 'object' && doc.encrypted !== null;
}

/** Serialises a session the way every writer does: stable key order, 2-space indent, final newline. */
export function serializeSession(session: Session): string {
  return `${JSON.stringify(session, null, 2)}\n`;
}
