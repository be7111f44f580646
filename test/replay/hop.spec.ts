import { expect, test } from '@playwright/test';
import { HopCache, hopOf } from '../../src/replay/hop.js';
import type { Hop } from '../../src/replay/types.js';

/**
 * HopCache makes the hop of a plain URL string without parsing it (a crawl's every request): each
 * hop must be the one the WHATWG parser gives, whatever the string, or a request would go to
 * another path or send other cookies than the URL asked for.
 */

const ORIGINS = ['http://127.0.0.1:8080', 'https://example.com', 'https://EXAMPLE.com', 'http://example.com:80', 'https://[::1]:8443', 'http://user@example.com', 'https://example.com.', 'http://a?b'];
const PATHS = [
  '/', '/api/item/7?q=7', '/api/item/7?', '/a/b/', '/a//b', '/a/./b', '/a/../b', '/a/.', '/a/..', '/.well-known/x', '/a/%2e/b', '/a/%2E%2E/b',
  '/a b', '/a%20b', '/ü', '/a\\b', '/a\tb', '/a#f', '/a?q=1#f', "/a?q='x'", '/a?q="x"', '/a?q=<x>', '/a?x=1&y=2;z=3', '/a?b?c', '/%zz', '/a{b}',
  '/~user/$x!*(),;=:@-_.', '/a`b', '/a^b', '/a|b',
];

function parts(hop: Hop): Record<string, string> {
  const { url, origin, href, path, protocol, hostname, pathname } = hop;
  return { origin, href, path, protocol, hostname, pathname, url: url.href, urlPath: url.pathname + url.search };
}

test('a hop made from a URL string is the one the URL parser gives, for plain and unusual strings', () => {
  const hops = new HopCache();
  let checked = 0;
  // Twice over: the second time every origin is known, so plain strings take the fast path.
  for (let round = 0; round < 2; round++) {
    for (const origin of ORIGINS) {
      for (const path of PATHS) {
        const input = origin + path;
        let want: URL;
        try {
          want = new URL(input);
        } catch {
          expect(() => hops.get(input)).toThrow();
          continue;
        }
        expect(parts(hops.get(input)), input).toEqual(parts(hopOf(want)));
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(400);
});

test('a crawl over one origin gets a right hop for each new URL and the same hop for the same URL again', () => {
  const hops = new HopCache();
  for (let n = 0; n < 600; n++) {
    const input = `http://127.0.0.1:8080/api/item/${n}?q=${n}`;
    const hop = hops.get(input);
    expect(hop.path).toBe(`/api/item/${n}?q=${n}`);
    expect(hop.pathname).toBe(`/api/item/${n}`);
    expect(hops.get(input)).toBe(hop);
  }
  expect(hops.get('http://127.0.0.1:8080/api/item/1?q=1').url.pathname).toBe('/api/item/1');
});
