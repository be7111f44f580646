/**
 * The file format's URL patterns: `/regex/flags`, or a glob matched against the whole URL where `**`
 * spans any characters and `*` any except `/` (so `**\/login*` matches every login page). `?` is
 * literal: URLs are full of them.
 */
export function urlPatternToRegExp(pattern: string): RegExp {
  const regex = /^\/(.+)\/([dgimsuvy]*)$/.exec(pattern);
  if (regex) return new RegExp(regex[1] ?? '', (regex[2] ?? '').replace(/[gy]/g, ''));
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** false for an invalid regex rather than an error: a bad pattern must not break a request. */
export function matchesUrlPattern(url: string, pattern: string): boolean {
  try {
    return urlPatternToRegExp(pattern).test(url);
  } catch {
    return false;
  }
}
