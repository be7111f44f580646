import { defaultPath, type Cookie as ToughCookie } from 'tough-cookie';
import { requestPath } from './cookie-headers.js';
import type { SetCookieLine } from './set-cookie-line.js';
import type { CookieTarget } from './types.js';

/** Bounds the remembered lines: a crawl over many paths must not grow them without end. */
const MAX_LINES = 1000;

/** A Set-Cookie line's scope (see scopeOf) and attributes, the cookie it stored and that cookie's key. */
export interface StoredLine {
  scope: string;
  attributes: string;
  cookie: ToughCookie;
  key: string;
}

/**
 * The cookies Set-Cookie lines stored, by cookie name: the same line (same scheme, host, default
 * path, name and attributes) with another value, as a server rotating its session cookie sends, can
 * change that cookie's value in place (jar.ts decides whether it may).
 *
 * @example
 * ```ts
 * const lines = new SetCookieLines();
 * lines.remember(line, scopeOf(url), stored, key);
 * lines.find(nextLine, scopeOf(url))?.cookie; // the cookie `line` stored
 * ```
 */
export class SetCookieLines {
  private readonly byName = new Map<string, StoredLine[]>();
  private size = 0;

  /** What the same line (name, scope, attributes) stored last, if remembered. */
  find({ name, attributes }: SetCookieLine, scope: string): StoredLine | undefined {
    return this.byName.get(name)?.find((s) => s.scope === scope && s.attributes === attributes);
  }

  remember({ name, attributes }: SetCookieLine, scope: string, cookie: ToughCookie, key: string): void {
    if (this.size >= MAX_LINES) this.clear();
    const lines = this.byName.get(name) ?? [];
    const line = { scope, attributes, cookie, key };
    const at = lines.findIndex((s) => s.scope === scope && s.attributes === attributes);
    if (at >= 0) lines[at] = line;
    else {
      lines.push(line);
      this.size++;
    }
    this.byName.set(name, lines);
  }

  clear(): void {
    this.byName.clear();
    this.size = 0;
  }
}

/**
 * What of a response's URL decides where a Set-Cookie line's cookie goes: the scheme, the host and
 * the default path (the directory of the decoded path), not the file or the query, so a server
 * rotating a cookie on every page of a crawl keeps the fast path.
 */
export function scopeOf(url: CookieTarget): string {
  return `${url.protocol}//${url.hostname}${defaultPath(requestPath(url))}`;
}
