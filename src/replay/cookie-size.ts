/** A cookie as a Cookie header carries it: its name and the bytes of `name=value`. */
export interface CookieSize {
  name: string;
  bytes: number;
}

/**
 * Request heads above this are refused by common servers (nginx and Apache at 8 KiB, Node at
 * 16 KiB): a connection closed while a Cookie header this large was sent is likely that refusal.
 */
export const LARGE_COOKIE_HEADER_BYTES = 8 * 1024;

/**
 * The cookies of a Cookie header with their sizes, largest first: what a 431 (Request Header
 * Fields Too Large) is usually about. Names only, never values.
 *
 * @example
 * ```ts
 * cookieSizes('a=1; big=xxxxxxxx'); // [{ name: 'big', bytes: 12 }, { name: 'a', bytes: 3 }]
 * ```
 */
export function cookieSizes(header: string): CookieSize[] {
  const out: CookieSize[] = [];
  for (const pair of header.split('; ')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    out.push({ name: eq < 0 ? '' : pair.slice(0, eq), bytes: Buffer.byteLength(pair) });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}

/** `a Cookie header of 24.1 KiB (170 cookies; largest: big (4.0 KiB), …)` for messages. */
export function describeCookieHeader(header: string): string {
  return describeCookieSizes(Buffer.byteLength(header), cookieSizes(header));
}

/** The same from sizes already taken (a `headers-too-large` event's). */
export function describeCookieSizes(total: number, sizes: CookieSize[], shown = 5): string {
  const largest = sizes
    .slice(0, shown)
    .map((c) => `${c.name === '' ? '(nameless)' : c.name} (${size(c.bytes)})`)
    .join(', ');
  const more = sizes.length > shown ? ', …' : '';
  return `a Cookie header of ${size(total)} (${sizes.length} cookie${sizes.length === 1 ? '' : 's'}; largest: ${largest}${more})`;
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
