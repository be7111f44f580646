import { compileUserRegex, MAX_PATTERN_LENGTH, userRegexProblem } from './user-regex.js';

/**
 * The file format's URL patterns: `/regex/flags`, or a glob matched against the whole URL where `**`
 * spans any characters and `*` any except `/` (so `**\/login*` matches every login page). `?` is
 * literal: URLs are full of them. Regexes run as src/session/user-regex.ts decides; globs by a
 * matcher whose time is linear in the URL (as a regex, `**` would backtrack).
 */

const REGEX = /^\/(.+)\/([dgimsuvy]*)$/;

/** Why a pattern may not be used, for schema validation; undefined when it is fine. */
export function urlPatternProblem(pattern: string): string | undefined {
  const regex = REGEX.exec(pattern);
  if (regex) return userRegexProblem(regex[1] ?? '', regex[2] ?? '');
  if (pattern.length > MAX_PATTERN_LENGTH) return `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`;
  return undefined;
}

/** One character to match literally, `*` or `**`. */
type GlobToken = string;

const globs = new Map<string, GlobToken[]>();
const CACHE_LIMIT = 256;

function globTokens(pattern: string): GlobToken[] {
  let tokens = globs.get(pattern);
  if (tokens) return tokens;
  tokens = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*' && pattern[i + 1] === '*') {
      tokens.push('**');
      i++;
    } else tokens.push(pattern[i] ?? '');
  }
  if (globs.size >= CACHE_LIMIT) globs.clear();
  globs.set(pattern, tokens);
  return tokens;
}

/** Whether the glob matches all of `url`: a set of positions in the pattern, advanced per character. */
function matchesGlob(url: string, tokens: GlobToken[]): boolean {
  let states = new Uint8Array(tokens.length + 1);
  let next = new Uint8Array(tokens.length + 1);
  // A star may match nothing: reaching it also reaches what follows.
  const add = (set: Uint8Array, i: number) => {
    for (; i <= tokens.length && !set[i]; i++) {
      set[i] = 1;
      if (tokens[i] !== '*' && tokens[i] !== '**') return;
    }
  };
  add(states, 0);
  for (let k = 0; k < url.length; k++) {
    const ch = url[k];
    next.fill(0);
    let any = false;
    for (let i = 0; i < tokens.length; i++) {
      if (!states[i]) continue;
      const token = tokens[i];
      if (token === '**' || (token === '*' && ch !== '/')) add(next, i);
      else if (token === ch) add(next, i + 1);
      else continue;
      any = true;
    }
    if (!any) return false;
    [states, next] = [next, states];
  }
  return states[tokens.length] === 1;
}

/** false for an invalid or refused pattern rather than an error: a bad pattern must not break a request. */
export function matchesUrlPattern(url: string, pattern: string): boolean {
  const regex = REGEX.exec(pattern);
  if (regex) return compileUserRegex(regex[1] ?? '', regex[2] ?? '')?.test(url) ?? false;
  if (pattern.length > MAX_PATTERN_LENGTH) return false;
  return matchesGlob(url, globTokens(pattern));
}
