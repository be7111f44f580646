/** A Set-Cookie line in its three parts: the cookie's name and value, and everything after the first `;`. */
export interface SetCookieLine {
  name: string;
  value: string;
  attributes: string;
}

/**
 * Splits a Set-Cookie line the way tough-cookie's parser does, or gives undefined for every line
 * whose reading takes the parser's own rules: no name (`=v`, `v`, loose mode's nameless cookies),
 * a control character (the parser cuts the line at CR, LF or NUL, or refuses it). Then the name and
 * value are the parser's, and a line with the same attributes stores the same cookie but its value.
 *
 * @example
 * ```ts
 * splitSetCookie('sid=abc; Path=/; HttpOnly'); // { name: 'sid', value: 'abc', attributes: ' Path=/; HttpOnly' }
 * ```
 */
export function splitSetCookie(line: string): SetCookieLine | undefined {
  // Any character below 0x20 (tabs included): rare, and the parser's trimming rules apply to it.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f]/.test(line)) return undefined;
  const semi = line.indexOf(';');
  const pair = (semi < 0 ? line : line.slice(0, semi)).trim();
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  if (name === '') return undefined;
  return { name, value: pair.slice(eq + 1).trim(), attributes: semi < 0 ? '' : line.slice(semi) };
}
