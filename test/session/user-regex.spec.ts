import { expect, test } from '@playwright/test';
import '../../src/replay/linear-regexp.js';
import { compileUserRegex, MAX_PATTERN_LENGTH, planUserRegex } from '../../src/session/user-regex.js';
import { matchesUrlPattern, urlPatternProblem } from '../../src/session/url-pattern.js';

// Issue 10: patterns from session files, recipes and the command line must not backtrack for
// minutes. Runs against hostile bodies are in test/cli/hostile-session.spec.ts (a real process, so
// that a hang is a killed process rather than a stuck test worker).

const kind = (source: string, flags = '') => {
  const plan = planUserRegex(source, flags);
  return plan.ok ? (plan.linear ? 'linear' : 'bounded') : 'refused';
};

test('patterns without unbounded repetition run in the usual engine, any syntax allowed', () => {
  const patterns: [string, string][] = [['Session expired|Please log in', ''], ['[Ll]og(ged)? ?[Oo]ut', ''], ['\\/login$', 'i'], ['(?=a)a', ''], ['(a)\\1', ''], ['\\u{41}', 'u']];
  for (const [source, flags] of patterns) {
    expect(kind(source, flags), `/${source}/${flags}`).toBe('bounded');
    expect(compileUserRegex(source, flags)?.flags).toBe(flags);
  }
});

test('patterns that could backtrack run in the linear-time engine', () => {
  for (const source of ['^(a+)+$', '(a|a)*$', 'a*b', '.*.*x', '"error":\\s*"unauthorized"', '\\d{1,3}(\\.\\d{1,3}){3}', '(?:a+){8}']) {
    expect(kind(source), source).toBe('linear');
    expect(compileUserRegex(source)?.flags).toBe('l');
  }
  // g, y and d change nothing for a yes/no match; m and s are supported.
  expect(compileUserRegex('a+', 'gmsyd')?.flags).toBe('lms');
});

test('what the linear engine cannot run is refused, with the reason', () => {
  const problem = (source: string, flags = '') => {
    const plan = planUserRegex(source, flags);
    return plan.ok ? undefined : plan.problem;
  };
  expect(problem('(a+)+\\1')).toMatch(/must run in linear time, which allows no backreferences/);
  expect(problem('(?<n>a+)\\k<n>')).toMatch(/no backreferences/);
  expect(problem('(?!x)y+')).toMatch(/no lookahead or lookbehind/);
  expect(problem('^https:\\/\\/.*\\/login', 'i')).toMatch(/no \/i flag \(spell out both cases instead: \[Ll\]ogin\)/);
  expect(problem('\\p{L}+', 'u')).toMatch(/no \/u or \/v flag/);
  expect(problem('(?:a+){9}')).toMatch(/no repetition counts above 16/);
  expect(problem(`a+${'b'.repeat(70)}`)).toMatch(/no more than 64 characters, classes and anchors once counts are written out \(this one has 72\)/);
  expect(problem('a'.repeat(MAX_PATTERN_LENGTH + 1))).toBe(`the pattern is ${MAX_PATTERN_LENGTH + 1} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`);
  expect(problem('(unclosed')).toBe('not a valid regular expression (/(unclosed/: Unterminated group)');
  expect(compileUserRegex('(a+)+\\1')).toBeUndefined();
});

/** A variable: linters know no `l` flag. */
const LINEAR = 'l';

test('the static scan agrees with V8: every pattern it sends to the linear engine compiles there', () => {
  const corpus = [
    '^(a+)+$', 'a{15,}', 'a{16,}', '(?:a{4}){4}', '(?:a{2,}){5}', '(?:a{2,}){6}', '(?:a?){16}', '(?:a?){17}', 'a{0,16}', '(?:a{8}|b{9}){2}x*',
    '\\1a+', '\\k<n>a+', 'a{,5}+', '[(]a+', '[\\]]+', '[^]*', '\\0+', '\\8+', '\\cA+', '\\x41+', '(?:)*', '(?<n>a)+', '\\bfoo\\b.*', '(?:x{17})*',
  ];
  for (const source of corpus) {
    const plan = planUserRegex(source);
    if (plan.ok && plan.linear) expect(() => new RegExp(source, LINEAR), source).not.toThrow();
  }
});

test('each pattern is compiled once', () => {
  expect(compileUserRegex('x+y')).toBe(compileUserRegex('x+y'));
  expect(compileUserRegex('x|y')).toBe(compileUserRegex('x|y'));
});

test('globs match in linear time and as before: ** spans slashes, * does not, ? is literal', () => {
  expect(matchesUrlPattern('https://a.example/x/y/login', '**/login')).toBe(true);
  expect(matchesUrlPattern('https://a.example/x/y/login', '**/x/**/login')).toBe(true);
  expect(matchesUrlPattern('https://a.example/x/y/login', 'https://a.example/*/login')).toBe(false);
  expect(matchesUrlPattern('https://a.example/login', '**/login*')).toBe(true);
  expect(matchesUrlPattern('https://a.example/login', '**')).toBe(true);
  expect(matchesUrlPattern('', '*')).toBe(true);
  expect(matchesUrlPattern('https://a.example/log', '**/login')).toBe(false);
  expect(matchesUrlPattern('https://a.example/a.b', 'https://a.example/a?b')).toBe(false);
  expect(urlPatternProblem('**/login*')).toBeUndefined();
  expect(urlPatternProblem(`**/${'x'.repeat(MAX_PATTERN_LENGTH)}`)).toMatch(/characters long; at most 256 are allowed/);
  expect(urlPatternProblem('/(a+)+\\1/')).toMatch(/no backreferences/);
});
