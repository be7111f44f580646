import type { Cookie, Session } from '../schema/index.js';
import { newSession } from '../new-session.js';
import { addCookieFieldLosses, addStateLosses, finishImport, inputError, splitDomain, type ExportOptions, type ImportOptions } from './common.js';
import { LossCollector, type Conversion } from './report.js';

/**
 * The first line curl, wget, yt-dlp and Python's MozillaCookieJar all accept (Python checks it:
 * `#( Netscape)? HTTP Cookie File`).
 */
export const NETSCAPE_HEADER = '# Netscape HTTP Cookie File';
/** Not a comment: curl marks HttpOnly cookies by prefixing the domain field. */
const HTTP_ONLY_PREFIX = '#HttpOnly_';
const FIELDS = 'domain, include-subdomains, path, secure, expires, name, value';

/** Reads a cookies.txt file. Session cookies have expiry 0 (curl) or an empty expiry (Python). */
export function fromNetscape(text: string, options: ImportOptions): Conversion<Session> {
  const losses = new LossCollector();
  const now = (options.now ?? new Date()).getTime() / 1000;
  const byKey = new Map<string, Cookie>();
  let expired = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const at = `line ${index + 1}`;
    let line = raw;
    let httpOnly = false;
    if (line.startsWith(HTTP_ONLY_PREFIX)) {
      httpOnly = true;
      line = line.slice(HTTP_ONLY_PREFIX.length);
    } else if (line.trim() === '' || line.startsWith('#')) {
      return;
    }
    const fields = line.split('\t');
    // curl writes 6 fields for a cookie with an empty value.
    if (fields.length === 6) fields.push('');
    if (fields.length !== 7) {
      throw inputError(options.file, `${at}: expected 7 tab-separated fields (${FIELDS}), found ${fields.length}${fields.length === 1 ? ' (fields must be separated by tabs, not spaces)' : ''}.`);
    }
    const [domainField, subdomains, path, secure, expiresField, name, value] = fields as [string, string, string, string, string, string, string];
    const { domain } = splitDomain(domainField);
    if (domain === '') throw inputError(options.file, `${at}: the domain field is empty.`);
    const includeSubdomains = bool(subdomains, options.file, at, 'include-subdomains');
    if (!path.startsWith('/')) throw inputError(options.file, `${at}: the path field must start with "/", found "${path}".`);
    if (!/^\d*$/.test(expiresField)) {
      throw inputError(options.file, `${at}: the expires field must be Unix seconds (0 for a session cookie), found "${expiresField}".`);
    }
    const expires = expiresField === '' || Number(expiresField) === 0 ? null : Number(expiresField);
    if (expires !== null && expires <= now) {
      expired += 1;
      return;
    }
    const cookie: Cookie = {
      name,
      value,
      domain,
      hostOnly: !includeSubdomains,
      path,
      expires,
      httpOnly,
      secure: bool(secure, options.file, at, 'secure'),
    };
    byKey.set(`${name}\t${domain.toLowerCase()}\t${path}`, cookie);
  });
  const cookies = [...byKey.values()];
  losses.add('SameSite', cookies.length, 'cookies.txt has no SameSite field; left unset (browsers treat unset as Lax)');
  losses.add('expired cookies', expired, 'dropped on import');
  const session = { ...newSession(options.name, options.now), cookies };
  return { result: finishImport(session, options.file), report: losses.report() };
}

/**
 * Writes cookies.txt as curl does: include-subdomains lines get a leading dot on the domain (Python
 * asserts the two agree), HttpOnly ones the `#HttpOnly_` prefix, session cookies expiry 0.
 */
export function toNetscape(session: Session, _options: ExportOptions = {}): Conversion<string> {
  const losses = new LossCollector();
  addCookieFieldLosses(losses, session.cookies, ['sameSite', 'partitionKey', 'setAt']);
  addStateLosses(losses, session);
  const lines = [NETSCAPE_HEADER, '# https://curl.se/docs/http-cookies.html', '# Written by sessionjar. It holds live credentials: keep it private.', ''];
  let unwritable = 0;
  let fractional = 0;
  for (const c of session.cookies) {
    if ([c.name, c.value, c.domain, c.path].some((f) => /[\t\r\n]/.test(f))) {
      unwritable += 1;
      continue;
    }
    if (c.expires !== null && !Number.isInteger(c.expires)) fractional += 1;
    const expires = c.expires === null ? 0 : Math.floor(c.expires);
    const domain = c.hostOnly ? c.domain : `.${c.domain}`;
    lines.push(
      [
        `${c.httpOnly ? HTTP_ONLY_PREFIX : ''}${domain}`,
        c.hostOnly ? 'FALSE' : 'TRUE',
        c.path,
        c.secure ? 'TRUE' : 'FALSE',
        String(expires),
        c.name,
        c.value,
      ].join('\t'),
    );
  }
  losses.add('cookies', unwritable, 'a tab or line break in a name or value cannot be written to cookies.txt');
  losses.add('expiry precision', fractional, 'fractional seconds rounded down');
  return { result: `${lines.join('\n')}\n`, report: losses.report() };
}

function bool(field: string, file: string, at: string, what: string): boolean {
  const upper = field.toUpperCase();
  if (upper === 'TRUE') return true;
  if (upper === 'FALSE') return false;
  throw inputError(file, `${at}: the ${what} field must be TRUE or FALSE, found "${field}".`);
}
