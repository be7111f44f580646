import { isRequestCommand } from './argv.js';
import type { RawOptions } from './commands/request.js';

/** A `sessionjar request` command line, read as commander would read it. */
export interface RequestArgv {
  /** The global --dir, when given. */
  dir?: string;
  /** The global --store, when given. */
  store?: string;
  name: string;
  url: string;
  options: RawOptions;
}

/**
 * The options of makeRequestCommand, in commander's flag syntax. A flag added there must be added
 * here too (test/cli/request-argv.spec.ts fails until it is); until then a command line using it
 * just takes commander's path.
 */
export const REQUEST_FLAGS = [
  '-X, --method <method>',
  '-H, --header <header>',
  '-d, --data <data>',
  '--json <json>',
  '-i, --include',
  '-o, --output <file>',
  '--fail',
  '--http2',
  '--proxy <url>',
  '--no-trust-env',
  '--cacert <file>',
  '-k, --insecure',
  '--timeout <seconds>',
  '--max-redirects <n>',
  '--max-header-size <bytes>',
  '--read-only',
  '--no-refresh',
  '--margin <seconds>',
  '-v, --verbose',
  '--reveal',
  '--csrf-from <page-url>',
  '--csrf-field <name>',
  '--csrf-header <name>',
  '--pool <prefix>',
  '--pick <strategy>',
  '--blocked-status <codes>',
  '--blocked-body <regex>',
] as const;

/** Options whose values collect into a list rather than replace each other. */
const REPEATABLE = new Set(['header']);

interface Flag {
  key: string;
  takesValue: boolean;
  negate: boolean;
}

const LONG = new Map<string, Flag>();
const SHORT = new Map<string, Flag>();
for (const flags of REQUEST_FLAGS) {
  const [, short, long, value] = /^(?:-(\w), )?--([\w-]+)( <[\w-]+>)?$/.exec(flags) as RegExpExecArray;
  const negate = long!.startsWith('no-');
  const flag = { key: camel(negate ? long!.slice(3) : long!), takesValue: value !== undefined, negate };
  LONG.set(long!, flag);
  if (short) SHORT.set(short, flag);
}

/**
 * Reads a plain `sessionjar [--dir <d>] request <name> <url> [options]` without loading commander,
 * which costs a cold start more than the rest of the command line handling together. Returns
 * undefined for anything else or anything unusual (help, `--`, an unknown or incomplete option, a
 * wrong number of arguments): commander then parses it and says what is wrong.
 */
export function parseRequestArgv(argv: readonly string[]): RequestArgv | undefined {
  if (!isRequestCommand(argv)) return undefined;
  const options: Record<string, unknown> = { header: [], trustEnv: true, refresh: true };
  const positional: string[] = [];
  let dir: string | undefined;
  let store: string | undefined;
  let i = 2;
  // Before the command word only the global --dir and --store can stand (argv.ts's commandOf skips them).
  for (; argv[i] !== 'request' && argv[i] !== 'req'; i++) {
    const arg = argv[i] as string;
    if (arg === '--dir' && i + 1 < argv.length) dir = argv[++i];
    else if (arg.startsWith('--dir=')) dir = arg.slice('--dir='.length);
    else if (arg === '--store' && i + 1 < argv.length) store = argv[++i];
    else if (arg.startsWith('--store=')) store = arg.slice('--store='.length);
    else return undefined;
  }
  const args = argv.slice(i + 1);
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let flag: Flag | undefined;
    let attached: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      flag = LONG.get(eq < 0 ? arg.slice(2) : arg.slice(2, eq));
      if (eq >= 0) {
        if (!flag?.takesValue) return undefined;
        attached = arg.slice(eq + 1);
      }
    } else {
      flag = SHORT.get(arg[1] as string);
      const rest = arg.slice(2);
      if (flag && rest !== '') {
        // As commander: `-Xvalue` is -X's value, `-ik` is -i then -k.
        if (flag.takesValue) attached = rest;
        else args.unshift(`-${rest}`);
      }
    }
    if (!flag) return undefined;
    if (!flag.takesValue) {
      options[flag.key] = !flag.negate;
      continue;
    }
    const value = attached ?? args.shift();
    if (value === undefined) return undefined;
    options[flag.key] = REPEATABLE.has(flag.key) ? [...(options[flag.key] as string[]), value] : value;
  }
  if (positional.length !== 2) return undefined;
  const [name, url] = positional as [string, string];
  return { ...(dir === undefined ? {} : { dir }), ...(store === undefined ? {} : { store }), name, url, options: options as unknown as RawOptions };
}

function camel(flag: string): string {
  return flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}
