import { SessionjarError } from '../core/errors.js';
import type { Hop } from './types.js';

/** A parsed URL with the strings each hop reads. */
export function hopOf(url: URL): Hop {
  const { origin, protocol, hostname, pathname } = url;
  return { url, origin, protocol, hostname, pathname, href: url.href, path: pathname + url.search };
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

/** How many parsed URLs, and how many origins, a client keeps. */
const MAX_CACHED = 500;

/** Characters the WHATWG parser never encodes or drops in a path or query (unlike space, quote, backslash, `#`, tab, non-ASCII). */
const PLAIN_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~!$&()*+,;=:@%/?') PLAIN_CHARS[c.charCodeAt(0)] = 1;
const NOT_PLAIN = -2;

/**
 * For the path and query from `start` (a `/`) to the end of `input`: where its query begins (-1:
 * none), or NOT_PLAIN unless the parser would leave it exactly as written: only PLAIN_CHARS, no dot
 * segment (`/.`, `%2e`), no bare `?` at the end (the parser drops it from `search`, and so would the
 * request line). One pass, as a crawl's URL is new on every request: the two regular expressions,
 * `endsWith` and `indexOf` it replaces stood out in profiles of the crawl.
 */
function plainQuery(input: string, start: number): number {
  let query = -1;
  const end = input.length;
  for (let i = start + 1; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c > 127 || PLAIN_CHARS[c] === 0) return NOT_PLAIN;
    if (c === 63) {
      if (query < 0) query = i;
    } else if (c === 46) {
      if (input.charCodeAt(i - 1) === 47) return NOT_PLAIN;
    } else if (c === 37 && input.charCodeAt(i + 1) === 50 && (input.charCodeAt(i + 2) | 32) === 101) {
      return NOT_PLAIN;
    }
  }
  return input.charCodeAt(end - 1) === 63 ? NOT_PLAIN : query;
}

/** The parts of a URL every hop on one origin shares. */
interface OriginParts {
  protocol: string;
  hostname: string;
}

/**
 * URL strings parsed once: scripts call the same few URLs over and over. A crawl (a new URL every
 * request) only ever misses: once the cache is full it admits nothing more, so a miss costs the
 * parse and one lookup, not an insert and a periodic clear; after as many misses as it holds it
 * starts over, so a script whose working set moved on gets its new URLs cached.
 *
 * A URL on an origin already seen whose path and query are plain (see plainQuery) is not parsed at
 * all: the string already is the URL's serialisation, so its parts are slices of it, and the
 * `URL` object is made only if a stage asks for it (a redirect, a Set-Cookie). Those are not
 * cached but the last one: a crawl's hops die young.
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
  /** Origins as written in an input, each with its parts, or null when that is not its canonical form. */
  private readonly origins = new Map<string, OriginParts | null>();
  /**
   * The last plain hop: the same URL again costs a comparison. Plain hops stay out of `hops`, as
   * making one again costs little: a crawl keeps no hop past its request (a cache of them would
   * move each to the old generation and leave it there as garbage for the slow collector).
   */
  private last: Hop | undefined;
  /** The origin of the last plain hop and its parts: a crawl's next URL starts with the same string. */
  private lastOrigin = '';
  private lastParts: OriginParts | undefined;

  get(input: string | URL): Hop {
    if (typeof input !== 'string') return hopOf(parseUrl(input));
    const last = this.last;
    if (last !== undefined && last.href === input) return last;
    // A crawl's URLs are all plain: its map stays empty, and a new string is never hashed.
    const cached = this.hops.size === 0 ? undefined : this.hops.get(input);
    if (cached !== undefined) return cached;
    const plain = this.plain(input);
    if (plain !== undefined) return (this.last = plain);
    const hop = hopOf(parseUrl(input));
    if (this.hops.size < MAX_CACHED) this.hops.set(input, hop);
    else if (++this.misses >= MAX_CACHED) {
      this.hops.clear();
      this.misses = 0;
    }
    return hop;
  }

  /** The hop of `input` without parsing it, when it is `origin/plain-path` on a canonical origin. */
  private plain(input: string): Hop | undefined {
    let origin = this.lastOrigin;
    let parts = this.lastParts;
    // The same origin as the last plain hop: its string and parts again, no slice to hash.
    if (parts === undefined || input.charCodeAt(origin.length) !== 47 || !input.startsWith(origin)) {
      const start = input.startsWith('https://') ? 8 : input.startsWith('http://') ? 7 : 0;
      if (start === 0) return undefined;
      const slash = input.indexOf('/', start);
      if (slash < 0) return undefined;
      origin = input.slice(0, slash);
      let known = this.origins.get(origin);
      if (known === undefined) {
        known = canonicalOrigin(origin);
        if (this.origins.size >= MAX_CACHED) this.origins.clear();
        this.origins.set(origin, known);
      }
      if (known === null) return undefined;
      parts = known;
    }
    const query = plainQuery(input, origin.length);
    if (query === NOT_PLAIN) return undefined;
    const path = input.slice(origin.length);
    const pathname = query < 0 ? path : input.slice(origin.length, query);
    this.lastOrigin = origin;
    this.lastParts = parts;
    return new LazyHop(input, origin, parts.protocol, parts.hostname, pathname, path);
  }
}

/** The parts of `origin` when the parser would write it exactly so (lower case, no default port, no user). */
function canonicalOrigin(origin: string): OriginParts | null {
  let url: URL;
  try {
    url = new URL(`${origin}/`);
  } catch {
    return null;
  }
  return url.origin === origin && url.href === `${origin}/` ? { protocol: url.protocol, hostname: url.hostname } : null;
}

/** A hop whose `URL` object is parsed only when asked for. */
class LazyHop implements Hop {
  private parsed: URL | undefined;

  constructor(
    readonly href: string,
    readonly origin: string,
    readonly protocol: string,
    readonly hostname: string,
    readonly pathname: string,
    readonly path: string,
  ) {}

  get url(): URL {
    return (this.parsed ??= new URL(this.href));
  }
}
