import { z } from 'zod';
import { SessionjarError } from '../../core/errors.js';
import { isSecretHeader } from '../../core/redact.js';
import type { Cookie, Session } from '../schema/index.js';
import { newSession } from '../new-session.js';
import {
  addCookieFieldLosses,
  addStateLosses,
  finishImport,
  parseInput,
  parseJsonInput,
  splitDomain,
  type ExportOptions,
  type ImportOptions,
} from './common.js';
import { LossCollector, type Conversion } from './report.js';

/** The layout HTTPie ≥ 3.2 writes: cookies and headers as lists. */
export interface HttpieSession {
  __meta__: { about: string; help: string; httpie: string };
  auth: { type: null; username: null; password: null };
  cookies: HttpieCookie[];
  headers: { name: string; value: string }[];
}

export interface HttpieCookie {
  name: string;
  value: string;
  /** Python's cookiejar: a leading dot for a domain cookie, the bare host for a host cookie. */
  domain: string;
  path: string;
  secure: boolean;
  /** Unix seconds, null for a session cookie. */
  expires: number | null;
}

/** The HTTPie release whose session layout this writes (list cookies from 3.1, list headers from 3.2). */
const HTTPIE_LAYOUT = '3.2.4';

const CookieFields = {
  value: z.string().nullable().default(''),
  domain: z.string().nullable().optional(),
  path: z.string().nullable().optional(),
  secure: z.boolean().nullable().optional(),
  expires: z.number().nullable().optional(),
};

const HttpieInput = z.looseObject({
  // Before 3.1 cookies were a dict keyed by name, with no domain.
  cookies: z
    .union([z.array(z.looseObject({ name: z.string(), ...CookieFields })), z.record(z.string(), z.looseObject(CookieFields))])
    .default([]),
  // Before 3.2 headers were a dict.
  headers: z
    .union([z.array(z.looseObject({ name: z.string(), value: z.string().nullable() })), z.record(z.string(), z.string().nullable())])
    .default([]),
  auth: z.looseObject({ type: z.string().nullable().optional() }).nullable().optional(),
});

/**
 * Reads an HTTPie session. HTTPie binds a session to the host it was used with, which the file does
 * not record: pass `origin` to bind domain-less (pre-3.1) cookies and secret headers to it.
 */
export function fromHttpie(text: string, options: ImportOptions): Conversion<Session> {
  const doc = parseInput(HttpieInput, parseJsonInput(text, options.file, 'an HTTPie session'), options.file, 'HTTPie session');
  const losses = new LossCollector();
  const origin = options.origin ? parseOrigin(options.origin, '--origin') : undefined;
  const now = (options.now ?? new Date()).getTime() / 1000;
  const list = Array.isArray(doc.cookies) ? doc.cookies : Object.entries(doc.cookies).map(([name, c]) => ({ ...c, name }));
  const cookies: Cookie[] = [];
  let unbound = 0;
  let expired = 0;
  for (const c of list) {
    const rawDomain = c.domain || (origin ? new URL(origin).hostname : '');
    if (!rawDomain) {
      unbound += 1;
      continue;
    }
    if (c.expires != null && c.expires <= now) {
      expired += 1;
      continue;
    }
    const { domain, dotted } = splitDomain(rawDomain);
    cookies.push({
      name: c.name,
      value: c.value ?? '',
      domain,
      hostOnly: !dotted,
      path: c.path || '/',
      expires: c.expires ?? null,
      httpOnly: false,
      secure: c.secure ?? false,
    });
  }
  losses.add('cookies without a domain', unbound, 'old HTTPie layout; import with --origin <url> to bind them to a host');
  losses.add('expired cookies', expired, 'dropped on import');
  losses.add('HttpOnly', cookies.length, 'HTTPie does not record HttpOnly; imported as false');
  losses.add('SameSite', cookies.length, 'HTTPie does not record SameSite; left unset');

  const headerList = Array.isArray(doc.headers) ? doc.headers : Object.entries(doc.headers).map(([name, value]) => ({ name, value }));
  const session = { ...newSession(options.name, options.now), cookies };
  let unboundSecrets = 0;
  for (const { name, value } of headerList) {
    if (value === null) continue;
    // A secret header sent everywhere would leak it: only bind it to the origin it belongs to.
    if (isSecretHeader(name)) {
      if (!origin) {
        unboundSecrets += 1;
        continue;
      }
      (session.headers.origins[origin] ??= {})[name] = value;
    } else {
      session.headers.default[name] = value;
    }
  }
  losses.add('headers', unboundSecrets, 'secret headers (Authorization, tokens) need --origin <url> to bind them to their host');
  losses.add('auth', doc.auth?.type ? 1 : 0, 'HTTPie --auth credentials are not imported; put the login in a recipe');
  return { result: finishImport(session, options.file), report: losses.report() };
}

/** Writes an HTTPie session; with `url`, the headers bound to that URL's origin are included. */
export function toHttpie(session: Session, options: ExportOptions = {}): Conversion<HttpieSession> {
  const origin = options.url ? parseOrigin(options.url, '--url') : undefined;
  const losses = new LossCollector();
  addCookieFieldLosses(losses, session.cookies, ['httpOnly', 'hostOnly', 'sameSite', 'partitionKey', 'setAt']);
  addStateLosses(losses, session, { defaultHeaders: true, ...(origin ? { originHeadersFor: origin } : {}) });
  losses.add('expiry precision', session.cookies.filter((c) => c.expires !== null && !Number.isInteger(c.expires)).length, 'fractional seconds rounded down');
  const headers = { ...session.headers.default, ...(origin ? session.headers.origins[origin] : {}) };
  return {
    result: {
      __meta__: { about: 'HTTPie session file', help: 'https://httpie.io/docs#sessions', httpie: HTTPIE_LAYOUT },
      auth: { type: null, username: null, password: null },
      cookies: session.cookies.map((c) => ({
        name: c.name,
        value: c.value,
        domain: c.hostOnly ? c.domain : `.${c.domain}`,
        path: c.path,
        secure: c.secure,
        expires: c.expires === null ? null : Math.floor(c.expires),
      })),
      headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
    },
    report: losses.report(),
  };
}

function parseOrigin(url: string, option: string): string {
  try {
    const origin = new URL(url).origin;
    if (origin !== 'null') return origin;
  } catch {
    // reported below
  }
  throw new SessionjarError('USAGE', `${option}: "${url}" is not an http(s) URL; give one such as https://api.example.com.`);
}
