import { SessionjarError } from '../core/errors.js';
import type { Hop } from './types.js';

/** A parsed URL with the strings each hop reads. */
export function hopOf(url: URL): Hop {
  const origin = url.origin;
  const pathname = url.pathname;
  return { url, origin, href: url.href, path: pathname + url.search, key: origin + pathname };
}

/** An absolute http(s) URL, or a USAGE error that shows the wanted form. */
export function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SessionjarError('USAGE', `"${String(input)}" is not an absolute URL; give one like https://example.com/path.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SessionjarError('USAGE', `${url.href}: only http: and https: URLs can be requested.`);
  }
  return url;
}

/** How many parsed URLs a client keeps. */
const MAX_CACHED = 500;

/**
 * URL strings parsed once: scripts call the same few URLs over and over. A crawl (a new URL every
 * request) only ever misses: once the cache is full it admits nothing more, so a miss costs the
 * parse and one lookup, not an insert and a periodic clear; after as many misses as it holds it
 * starts over, so a script whose working set moved on gets its new URLs cached.
 *
 * @example
 * ```ts
 * const hops = new HopCache();
 * hops.get('https://api.example.com/me').origin; // 'https://api.example.com'
 * ```
 */
export class HopCache {
  private readonly hops = new Map<string, Hop>();
  private misses = 0;

  get(input: string | URL): Hop {
    if (typeof input !== 'string') return hopOf(parseUrl(input));
    const cached = this.hops.get(input);
    if (cached !== undefined) return cached;
    const hop = hopOf(parseUrl(input));
    if (this.hops.size < MAX_CACHED) this.hops.set(input, hop);
    else if (++this.misses >= MAX_CACHED) {
      this.hops.clear();
      this.misses = 0;
    }
    return hop;
  }
}
