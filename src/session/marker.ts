import { ENVELOPE_FORMAT } from './envelope.js';

// How every writer starts a file (serializeSession, the encryption envelope); found even in a file cut short.
const GENERATOR_KEY = /"generator"\s*:\s*"sessionjar@/;
const ENVELOPE_KEY = new RegExp(`"encrypted"\\s*:\\s*\\{\\s*"format"\\s*:\\s*"${ENVELOPE_FORMAT}"`);

/**
 * Whether `text` is a sessionjar session file, valid or not: a plain one carries
 * `"generator": "sessionjar@…"`, an encrypted one the envelope's `"encrypted": { "format": … }`.
 * A JSON document is judged by its fields; text that does not parse (a file cut short, a bad
 * edit) by those markers in it. Guards deleting: `rm package.json` must not remove a stranger.
 */
export function isSessionFileText(text: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return GENERATOR_KEY.test(text) || ENVELOPE_KEY.test(text);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const { generator, encrypted } = doc as Record<string, unknown>;
  if (typeof generator === 'string' && generator.startsWith('sessionjar@')) return true;
  return typeof encrypted === 'object' && encrypted !== null && (encrypted as Record<string, unknown>).format === ENVELOPE_FORMAT;
}
