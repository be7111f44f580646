import { z } from 'zod';
import { SessionjarError } from '../../core/errors.js';
import { SessionSchema, type HeaderRule, type Session } from '../schema/index.js';
import type { LossCollector } from './report.js';

export interface ImportOptions {
  /** Name of the session to create. */
  name: string;
  /** The input's path, for error messages. */
  file: string;
  now?: Date;
  /**
   * Origin the input belongs to, for formats that do not record one (HTTPie binds its sessions to
   * a host outside the file): cookies without a domain and secret headers are bound to it.
   */
  origin?: string;
}

export interface ExportOptions {
  /** For cookie-header (required) and HTTPie (adds the headers bound to this URL's origin). */
  url?: string;
  now?: Date;
}

/** `.example.com` → `{ domain: 'example.com', dotted: true }`. */
export function splitDomain(domain: string): { domain: string; dotted: boolean } {
  return domain.startsWith('.') ? { domain: domain.slice(1), dotted: true } : { domain, dotted: false };
}

export function inputError(file: string, detail: string): SessionjarError {
  return new SessionjarError('INPUT_INVALID', `${file}: ${detail}`, { details: { file } });
}

/** Parses JSON input, naming the file on failure. */
export function parseJsonInput(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError(file, `not valid JSON (${(error as Error).message}); expected ${what}.`);
  }
}

/** Validates input against a zod schema; the error names the file and the JSON path at fault. */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown, file: string, what: string): z.output<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw inputError(file, `not a valid ${what}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** The imported document, validated as a session file would be on load. */
export function finishImport(session: Session, file: string): Session {
  const result = SessionSchema.safeParse(session);
  if (!result.success) {
    throw inputError(file, `converts to an invalid session:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export interface Kept {
  localStorage?: boolean;
  indexedDB?: boolean;
  /** Default headers (User-Agent, Accept-Language...). */
  defaultHeaders?: boolean;
  /** Headers bound to this one origin are kept; those of other origins are lost. */
  originHeadersFor?: string;
  /** Header rules the target's import derives again from what it keeps (a JWT in localStorage). */
  rules?: HeaderRule[];
}

/** Adds what a target keeps no room for besides cookies: storage, headers, rules, login, tokens. */
export function addStateLosses(losses: LossCollector, session: Session, kept: Kept = {}): void {
  let local = 0;
  let sessionKeys = 0;
  let databases = 0;
  for (const o of session.origins) {
    local += Object.keys(o.localStorage).length;
    sessionKeys += Object.keys(o.sessionStorage).length;
    databases += o.indexedDB?.length ?? 0;
  }
  if (!kept.localStorage) losses.add('localStorage', local, 'keys');
  losses.add('sessionStorage', sessionKeys, 'keys');
  if (!kept.indexedDB) losses.add('IndexedDB', databases, 'databases');
  if (!kept.defaultHeaders) losses.add('default headers', Object.keys(session.headers.default).length, 'User-Agent, Accept-Language...');
  let originHeaders = 0;
  for (const [origin, headers] of Object.entries(session.headers.origins)) {
    if (origin !== kept.originHeadersFor) originHeaders += Object.keys(headers).length;
  }
  losses.add('per-origin headers', originHeaders, kept.originHeadersFor === undefined ? undefined : `bound to origins other than ${kept.originHeadersFor}`);
  const rederived = new Set((kept.rules ?? []).map((r) => JSON.stringify(r)));
  losses.add('header rules', session.headers.rules.filter((r) => !rederived.has(JSON.stringify(r))).length);
  losses.add('login block', session.login ? 1 : 0, 'login URL, steps, probe and logged-out signals');
  const tokens = session.tokens ? session.tokens.jwts.length + (session.tokens.oauth ? 1 : 0) : 0;
  losses.add('tokens block', tokens, 'JWT expiries and OAuth refresh details');
}

/** Counts cookies that carry a field the target has no room for. */
export function addCookieFieldLosses(
  losses: LossCollector,
  cookies: Session['cookies'],
  fields: ('sameSite' | 'partitionKey' | 'httpOnly' | 'hostOnly' | 'setAt')[],
): void {
  for (const field of fields) {
    const count = cookies.filter((c) => (field === 'httpOnly' || field === 'hostOnly' ? c[field] : c[field] !== undefined)).length;
    losses.add(field === 'sameSite' ? 'SameSite' : field === 'httpOnly' ? 'HttpOnly' : field === 'hostOnly' ? 'host-only' : field, count, FIELD_DETAIL[field]);
  }
}

const FIELD_DETAIL: Record<string, string> = {
  sameSite: 'cookies whose SameSite attribute is dropped',
  partitionKey: 'partitioned (CHIPS) cookies whose partition key is dropped',
  httpOnly: 'cookies whose HttpOnly flag is dropped',
  hostOnly: 'host-only cookies that the target will also send to subdomains',
  setAt: 'cookies whose set time (used to merge concurrent writers) is dropped',
};
