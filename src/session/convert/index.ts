import { SessionjarError } from '../../core/errors.js';
import { validateSession, type Session } from '../schema/index.js';
import type { ExportOptions, ImportOptions } from './common.js';
import { toCookieHeader } from './cookie-header.js';
import { fromHttpie, toHttpie } from './httpie.js';
import { NETSCAPE_HEADER, fromNetscape, toNetscape } from './netscape.js';
import { fromPlaywright, toPlaywright } from './playwright.js';
import type { Conversion } from './report.js';

export type { ExportOptions, ImportOptions } from './common.js';
export type { Conversion, ConversionReport, LostItem } from './report.js';
export { cookiesFor, domainMatches, pathMatches, toCookieHeader } from './cookie-header.js';
export { fromHttpie, toHttpie, type HttpieCookie, type HttpieSession } from './httpie.js';
export { fromNetscape, toNetscape } from './netscape.js';
export { fromPlaywright, toPlaywright, type StorageState, type StorageStateCookie } from './playwright.js';

export const IMPORT_FORMATS = ['playwright', 'netscape', 'httpie', 'sessionjar'] as const;
export const EXPORT_FORMATS = ['playwright', 'netscape', 'httpie', 'cookie-header'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Guesses an input's format from its content: a sessionjar file (version + generator), an HTTPie
 * session (`__meta__`, or cookies/headers as HTTPie lays them out), a Playwright storageState
 * (`origins`, or cookies with `httpOnly`/`sameSite`), or cookies.txt (the header line or a
 * tab-separated cookie line). undefined when none fits.
 */
export function sniffFormat(text: string): ImportFormat | undefined {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      return undefined;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
    const d = doc as Record<string, unknown>;
    if (typeof d.generator === 'string' && d.generator.startsWith('sessionjar@') && 'version' in d) return 'sessionjar';
    if ('__meta__' in d) return 'httpie';
    const cookies = Array.isArray(d.cookies) ? (d.cookies as unknown[]) : undefined;
    const browserish = cookies?.some((c) => typeof c === 'object' && c !== null && ('httpOnly' in c || 'sameSite' in c));
    if (Array.isArray(d.origins) || browserish) return 'playwright';
    if ((typeof d.cookies === 'object' && d.cookies !== null) || 'headers' in d) return 'httpie';
    return undefined;
  }
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => l.startsWith(NETSCAPE_HEADER) || /^#\s*HTTP Cookie File/.test(l))) return 'netscape';
  if (lines.some((l) => /^(#HttpOnly_)?[^#\s][^\t]*(\t[^\t]*){5,6}$/.test(l))) return 'netscape';
  return undefined;
}

/** Reads `text` (of `format`, sniffed when absent) into a new session named `options.name`. */
export function importSession(raw: string, options: ImportOptions & { format?: ImportFormat }): Conversion<Session> & { format: ImportFormat } {
  // Editors on Windows save a byte-order mark that neither JSON.parse nor cookies.txt expects.
  const text = raw.replace(/^\uFEFF/, '');
  checkText(text, options.file);
  const format = options.format ?? sniffFormat(text);
  if (format === undefined) {
    const message = isJsonArray(text)
      ? 'a JSON array is none of the formats: a Playwright storageState, an HTTPie session and a sessionjar file are JSON objects.'
      : 'cannot tell the format (not a Playwright storageState, cookies.txt, HTTPie or sessionjar file). Name it with --from playwright|netscape|httpie|sessionjar.';
    throw new SessionjarError('INPUT_INVALID', `${options.file}: ${message}`, { details: { file: options.file } });
  }
  return { ...convertFrom(text, format, options), format };
}

/**
 * An empty or binary input (a PNG, a SQLite cookie database) is refused as such, whatever the
 * format: no empty session is created, and no binary bytes are echoed into the terminal.
 */
function checkText(text: string, file: string): void {
  const problem = text.trim() === '' ? 'the file is empty' : /[\0\uFFFD]/.test(text) ? 'not a text file (binary content)' : undefined;
  if (problem === undefined) return;
  throw new SessionjarError(
    'INPUT_INVALID',
    `${file}: ${problem}; nothing was imported. Give a Playwright storageState (JSON), a cookies.txt, an HTTPie session or a sessionjar file.`,
    { details: { file } },
  );
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

function convertFrom(text: string, format: ImportFormat, options: ImportOptions): Conversion<Session> {
  switch (format) {
    case 'playwright':
      return fromPlaywright(text, options);
    case 'netscape':
      return fromNetscape(text, options);
    case 'httpie':
      return fromHttpie(text, options);
    case 'sessionjar': {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new SessionjarError('INPUT_INVALID', `${options.file}: not valid JSON (${(error as Error).message}).`);
      }
      const session = validateSession(raw, { file: options.file });
      return { result: { ...session, name: options.name }, report: { lost: [] } };
    }
  }
}

/** Writes a session as `format`: text ready to save or print, and what the format cannot hold. */
export function exportSession(session: Session, format: ExportFormat, options: ExportOptions = {}): Conversion<string> {
  switch (format) {
    case 'playwright': {
      const { result, report } = toPlaywright(session);
      return { result: `${JSON.stringify(result, null, 2)}\n`, report };
    }
    case 'httpie': {
      const { result, report } = toHttpie(session, options);
      return { result: `${JSON.stringify(result, null, 4)}\n`, report };
    }
    case 'netscape':
      return toNetscape(session, options);
    case 'cookie-header': {
      const { result, report } = toCookieHeader(session, options);
      return { result: `${result}\n`, report };
    }
  }
}
