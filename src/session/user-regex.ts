import { SessionjarError } from '../core/errors.js';

/**
 * Regular expressions that come from session files, recipes and the command line
 * (`loggedOut.bodyRegex`, `/regex/` URL patterns). A hostile one such as `^(a+)+$`, or merely
 * `a*b`, against a hostile body would backtrack for minutes in V8's default engine. So each pattern
 * is sorted once, by a static scan, into one of two kinds:
 *
 * - bounded: no unbounded repetition (`*`, `+`, `{n,}`) and at most {@link MAX_BACKTRACK_PATHS} ways
 *   through it, so backtracking costs at most that many attempts per position. Runs in V8's usual
 *   engine, any syntax and flags allowed (`Session expired|Please log in`, `/\/login$/i`).
 * - anything else runs in V8's linear-time engine (the `l` flag), which the process enables with
 *   `--enable-experimental-regexp-engine` (src/replay/linear-regexp.ts). That engine has no
 *   backreferences, lookarounds or `i`/`u`/`v` flags and limits counted repetition, so such a
 *   pattern is refused when the file is loaded, with the reason.
 *
 * Measured on Node 20.20 against 256 KiB: `^(a+)+$`, `a*b`, `.*.*x` take 0.2-1.6 s in the linear
 * engine (hours or more by backtracking); the linear engine is ~1000x slower than the usual one on
 * ordinary patterns, hence the bounded kind. V8's own fallback flag
 * (`--enable-experimental-regexp-engine-on-excessive-backtracks`) did not stop `a*b`.
 */

/** Longer patterns are refused; no real URL or body pattern comes near. */
export const MAX_PATTERN_LENGTH = 256;
/**
 * The linear engine's time is body length × pattern size; the worst 64-character pattern took about
 * 3 s against 256 KiB (10 s at 128), so larger linear patterns are refused.
 */
export const MAX_LINEAR_SIZE = 64;
/** Ways through a pattern without unbounded repetition that still count as bounded. */
export const MAX_BACKTRACK_PATHS = 16;
/** V8's linear engine replicates counted repetition; nested counts multiply and must stay within this. */
const MAX_REPLICATION = 16;
/** Flags a pattern may carry. `g`, `y` and `d` change nothing for a yes/no match and are dropped. */
const ALLOWED_FLAGS = /^[dgimsuvy]*$/;

interface Scan {
  /** Ways a backtracking engine can go through the pattern from one position (Infinity: unbounded). */
  paths: number;
  /** Largest product of nested repetition counts, as V8's linear engine counts them. */
  replication: number;
  /** Characters, classes and assertions once counted repetition is written out: the linear engine's threads. */
  size: number;
}

const ATOM: Scan = { paths: 1, replication: 1, size: 1 };

interface Found {
  captures: number;
  named: boolean;
  backrefNumbers: number[];
  namedBackref: boolean;
  lookaround: boolean;
}

/** A recursive-descent scan of a pattern already known to be valid (non-Unicode syntax, Annex B). */
class Scanner {
  private i = 0;
  readonly found: Found = { captures: 0, named: false, backrefNumbers: [], namedBackref: false, lookaround: false };

  constructor(private readonly src: string) {}

  scan(): Scan {
    return this.disjunction();
  }

  private disjunction(): Scan {
    let paths = 0;
    let replication = 1;
    let size = 0;
    for (;;) {
      const branch = this.sequence();
      paths += branch.paths;
      replication = Math.max(replication, branch.replication);
      size += branch.size;
      if (this.src[this.i] !== '|') return { paths, replication, size };
      this.i++;
    }
  }

  private sequence(): Scan {
    let paths = 1;
    let replication = 1;
    let size = 0;
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const term = this.quantified(this.atom());
      paths *= term.paths;
      replication = Math.max(replication, term.replication);
      size += term.size;
    }
    return { paths, replication, size };
  }

  private atom(): Scan {
    const ch = this.src[this.i++];
    if (ch === '\\') {
      this.escape();
      return ATOM;
    }
    if (ch === '[') {
      while (this.i < this.src.length && this.src[this.i] !== ']') this.i += this.src[this.i] === '\\' ? 2 : 1;
      this.i++;
      return ATOM;
    }
    if (ch === '(') {
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      else if (/^\?<?[=!]/.test(this.src.slice(this.i, this.i + 3))) {
        this.found.lookaround = true;
        this.i += this.src[this.i + 1] === '<' ? 3 : 2;
      } else {
        this.found.captures++;
        if (this.src.startsWith('?<', this.i)) {
          this.found.named = true;
          this.i = this.src.indexOf('>', this.i) + 1;
        }
      }
      const inner = this.disjunction();
      this.i++; // ')'
      return inner;
    }
    return ATOM;
  }

  private escape(): void {
    const digits = /^\d+/.exec(this.src.slice(this.i))?.[0];
    if (digits !== undefined && digits[0] !== '0') {
      // A backreference only if the pattern has that many groups (known at the end); else an octal escape.
      this.found.backrefNumbers.push(Number(digits));
      this.i += digits.length;
      return;
    }
    if (this.src[this.i] === 'k') this.found.namedBackref = true; // a backreference only if groups are named
    this.i++;
  }

  private quantified(atom: Scan): Scan {
    const q = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(this.src.slice(this.i));
    if (!q) return atom;
    this.i += q[0].length;
    let min: number;
    let max: number;
    if (q[1] !== undefined) {
      min = q[1] === '+' ? 1 : 0;
      max = q[1] === '?' ? 1 : Infinity;
    } else {
      min = Number(q[2]);
      max = q[3] === undefined ? min : q[4] === '' ? Infinity : Number(q[4]);
    }
    const tooLarge = min > MAX_REPLICATION || (max !== Infinity && max > MAX_REPLICATION);
    const local = max === Infinity ? min + 1 : max;
    const replication = tooLarge ? Infinity : local * atom.replication;
    return { paths: repeatPaths(atom.paths, min, max), replication, size: atom.size * local };
  }
}

/** Ways through `min` to `max` repetitions of something with `paths` ways through it. */
function repeatPaths(paths: number, min: number, max: number): number {
  if (max === Infinity || max > 1000) return paths === 0 ? 0 : Infinity;
  let total = 0;
  for (let k = min; k <= max && total <= MAX_BACKTRACK_PATHS; k++) total += paths ** k;
  return total;
}

/** How a pattern runs, or why it may not. */
export type RegexPlan = { ok: true; source: string; flags: string; linear: boolean } | { ok: false; problem: string };

/**
 * Decides how a user-supplied pattern runs (see the top of this file), or why it is refused; the
 * `problem` reads after the field name: "bodyRegex: <problem>".
 */
export function planUserRegex(source: string, flags = ''): RegexPlan {
  if (source.length > MAX_PATTERN_LENGTH) {
    return { ok: false, problem: `the pattern is ${source.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed` };
  }
  if (!ALLOWED_FLAGS.test(flags)) return { ok: false, problem: `unknown regular expression flags "${flags}"` };
  const kept = flags.replace(/[dgy]/g, '');
  try {
    new RegExp(source, kept);
  } catch (error) {
    return { ok: false, problem: `not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})` };
  }
  const scanner = new Scanner(source);
  const { paths, replication, size } = scanner.scan();
  if (paths <= MAX_BACKTRACK_PATHS) return { ok: true, source, flags: kept, linear: false };

  const found = scanner.found;
  const refuse = (what: string): RegexPlan => ({
    ok: false,
    problem: `the pattern has unbounded repetition (*, +, {n,}) or more than ${MAX_BACKTRACK_PATHS} alternatives, so it must run in linear time, which allows no ${what}`,
  });
  if (found.backrefNumbers.some((n) => n <= found.captures) || (found.namedBackref && found.named)) return refuse('backreferences (\\1, \\k<name>)');
  if (found.lookaround) return refuse('lookahead or lookbehind ((?=, (?!, (?<=, (?<!)');
  if (kept.includes('i')) return refuse('/i flag (spell out both cases instead: [Ll]ogin)');
  if (/[uv]/.test(kept)) return refuse('/u or /v flag');
  if (replication > MAX_REPLICATION) return refuse(`repetition counts above ${MAX_REPLICATION} (nested counts multiply)`);
  if (size > MAX_LINEAR_SIZE) {
    return refuse(`more than ${MAX_LINEAR_SIZE} characters, classes and anchors once counts are written out (this one has ${size}); shorten it`);
  }
  return { ok: true, source, flags: kept, linear: true };
}

/** The problem with a pattern, for schema validation; undefined when it is fine. */
export function userRegexProblem(source: string, flags = ''): string | undefined {
  const plan = planUserRegex(source, flags);
  return plan.ok ? undefined : plan.problem;
}

const compiled = new Map<string, RegExp | undefined>();
/** Patterns come from a handful of files; the bound only keeps a long-running process from growing. */
const CACHE_LIMIT = 256;

/**
 * The compiled pattern, cached per source and flags; undefined when the pattern is refused (a
 * bad pattern must not break a request: it matches nothing). Throws when a pattern needs the
 * linear engine and this process has not enabled it, rather than running it unbounded.
 */
export function compileUserRegex(source: string, flags = ''): RegExp | undefined {
  const key = `${flags}/${source}`;
  if (compiled.has(key)) return compiled.get(key);
  const plan = planUserRegex(source, flags);
  let regex: RegExp | undefined;
  if (plan.ok && !plan.linear) regex = new RegExp(plan.source, plan.flags);
  else if (plan.ok) {
    if (!linearEngineEnabled()) {
      throw new SessionjarError(
        'INTERNAL',
        `the pattern /${source}/ needs V8's linear-time regular expression engine, which this process has not enabled. Import sessionjar through its package entry, or run node with --enable-experimental-regexp-engine.`,
      );
    }
    regex = new RegExp(plan.source, plan.flags + LINEAR);
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(key, regex);
  return regex;
}

/** The flag of V8's linear-time engine (a variable: linters know no such flag). */
const LINEAR = 'l';
let linearEnabled = false;
function linearEngineEnabled(): boolean {
  if (!linearEnabled) {
    try {
      new RegExp('', LINEAR);
      linearEnabled = true;
    } catch {
      // The flag is off; asked again next time, as the process may enable it later.
    }
  }
  return linearEnabled;
}
