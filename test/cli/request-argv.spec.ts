import { expect, test } from '@playwright/test';
import type { Command } from 'commander';
import { makeRequestCommand } from '../../src/cli/commands/request.js';
import { makeProgram } from '../../src/cli/program.js';
import { REQUEST_FLAGS, parseRequestArgv, type RequestArgv } from '../../src/cli/request-argv.js';

// The fast path of `sessionjar request` reads its command line without commander; whatever it
// accepts it must read exactly as commander does, and anything it cannot must fall back to commander.

/** What commander hands the request action for `argv`, or undefined when it rejects the line. */
async function viaCommander(argv: string[]): Promise<RequestArgv | undefined> {
  const program = makeProgram();
  let seen: RequestArgv | undefined;
  const silent = { writeOut: () => {}, writeErr: () => {} };
  program.configureOutput(silent);
  for (const command of program.commands) command.configureOutput(silent);
  const request = program.commands.find((c) => c.name() === 'request') as Command;
  request.action((name: string, url: string, options: RequestArgv['options'], command: Command) => {
    const { dir } = command.optsWithGlobals<{ dir?: string }>();
    seen = { ...(dir === undefined ? {} : { dir }), name, url, options: { ...options } };
  });
  try {
    await program.parseAsync(argv);
  } catch {
    return undefined;
  }
  return seen;
}

test('the fast path knows exactly the options makeRequestCommand declares', () => {
  expect([...REQUEST_FLAGS].sort()).toEqual(makeRequestCommand().options.map((o) => o.flags).sort());
});

const NAME = 'bench';
const URL = 'http://127.0.0.1:9/api?q=1';
const PLAIN: string[][] = [
  ['request', NAME, URL],
  ['req', NAME, URL],
  ['--dir', '/tmp/s', 'request', NAME, URL],
  ['--dir=/tmp/s', 'req', NAME, URL, '-i'],
  ['request', '-X', 'POST', NAME, '--json', '{"a":1}', URL],
  ['request', NAME, URL, '-H', 'Accept: text/html', '-H', 'X-Two: 2', '-H', 'Cookie:'],
  ['request', NAME, URL, '-XDELETE', '--method=PUT', '-ikv', '--fail', '--no-refresh', '--no-trust-env'],
  ['request', NAME, URL, '-d', '@-', '-o', 'out.bin', '--timeout', '2.5', '--max-redirects=0', '--read-only', '--reveal'],
  ['request', NAME, URL, '--http2', '--proxy', 'http://127.0.0.1:3128', '--cacert', 'ca.pem', '-k'],
  ['request', NAME, URL, '-H', '-v', '-d', '--fail'],
];

test('plain command lines take the fast path and read as commander reads them', async () => {
  for (const line of PLAIN) {
    const argv = ['node', 'sessionjar', ...line];
    const fast = parseRequestArgv(argv);
    expect(fast, line.join(' ')).toBeDefined();
    expect(fast, line.join(' ')).toEqual(await viaCommander(argv));
  }
});

test('anything unusual is left to commander', () => {
  const unusual = [
    ['request', NAME],
    ['request', NAME, URL, 'extra'],
    ['request', NAME, URL, '--help'],
    ['request', '-h'],
    ['--version'],
    ['-V', 'request', NAME, URL],
    ['request', NAME, URL, '--'],
    ['request', NAME, URL, '-'],
    ['request', NAME, URL, '--bogus'],
    ['request', NAME, URL, '-Z'],
    ['request', NAME, URL, '-iZ'],
    ['request', NAME, URL, '--include=yes'],
    ['request', NAME, URL, '-X'],
    ['request', NAME, URL, '--refresh'],
    ['request', NAME, URL, '--dir', '/tmp/s'],
    ['list'],
  ];
  for (const line of unusual) expect(parseRequestArgv(['node', 'sessionjar', ...line]), line.join(' ')).toBeUndefined();
});

test('random command lines: whatever the fast path accepts, commander reads the same', async () => {
  const tokens = [
    ['-X', 'GET'], ['--method=POST'], ['-XPUT'], ['-X=PATCH'], ['-H', 'A: b'], ['-HX-Y: z'], ['--header', 'C:'], ['--header=D;'],
    ['-d', 'x=1'], ['--data=@-'], ['--json', '{}'], ['-i'], ['-ik'], ['-vi'], ['-ivX', 'HEAD'], ['-o', 'out'], ['--fail'], ['--http2'],
    ['--proxy', 'http://p:1'], ['--no-trust-env'], ['--cacert', 'c.pem'], ['-k'], ['--timeout', '5'], ['--max-redirects', '3'],
    ['--read-only'], ['--no-refresh'], ['-v'], ['--reveal'], ['-H', '-i'], ['--dir', 'x'], ['--'], ['-h'], ['--unknown'], ['extra'], ['-'],
    ['--fail=1'], ['-o'],
  ];
  // xorshift32 from a fixed seed: the same cases every run.
  let seed = 11;
  const next = (n: number) => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) % n);
  let fastOnes = 0;
  for (let run = 0; run < 400; run++) {
    const words: string[] = [];
    for (let k = next(5); k > 0; k--) words.push(...(tokens[next(tokens.length)] as string[]));
    const positional = next(10) === 0 ? [NAME] : [NAME, URL];
    for (const word of positional) words.splice(next(words.length + 1), 0, word);
    const prefix = [[], ['--dir', '/d'], ['--dir=/d']][next(3)] as string[];
    const argv = ['node', 'sessionjar', ...prefix, next(2) ? 'request' : 'req', ...words];
    const fast = parseRequestArgv(argv);
    if (fast === undefined) continue;
    fastOnes++;
    expect(fast, argv.join(' ')).toEqual(await viaCommander(argv));
  }
  expect(fastOnes).toBeGreaterThan(50);
});
