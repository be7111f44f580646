import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { SessionjarError } from '../../core/errors.js';
import { EXEC_EXIT_CODES } from '../../core/exit-codes.js';
import { printStderr } from '../output.js';
import { storeFor } from '../context.js';
import { gatewayOptions, gatewayServeOptions, tuneV8ForGateway, type GatewayRaw } from '../serve-options.js';

interface ExecRaw extends GatewayRaw {
  log?: boolean;
}

export function makeExecCommand(): Command {
  return gatewayOptions(
    new Command('exec')
      .description('Run a command with a gateway for the session: SESSIONJAR_URL, SESSIONJAR_TOKEN, SESSIONJAR_TOKEN_HEADER in its environment')
      .argument('<name>', 'session name, or path of a session file')
      .argument('<command...>', 'the command and its arguments, after --')
      .option('--log', 'print a line per request on stderr'),
    'print one JSON object per request on stderr (implies --log)',
  )
    .addHelpText(
      'after',
      [
        '',
        'The gateway listens on a free loopback port with a fresh token and stops when the command exits;',
        'sessionjar exits with the command\'s status (127: no such command, 126: it cannot be run, 128 + N:',
        'signal N ended it). With several --target, SESSIONJAR_URL is the first one\'s and SESSIONJAR_URLS',
        'maps each target to its local URL (JSON). --json logs each request as a JSON line on stderr, --log or not.',
        '',
        'Examples:',
        '  sessionjar exec github --target https://api.github.com -- sh -c \'curl -sH "$SESSIONJAR_TOKEN_HEADER: $SESSIONJAR_TOKEN" "$SESSIONJAR_URL/user"\'',
        '  sessionjar exec app --target https://app.example -- python3 report.py',
      ].join('\n'),
    )
    .action((name: string, argv: string[], raw: ExecRaw, command: Command) => runExec(name, argv, raw, command));
}

async function runExec(name: string, argv: string[], raw: ExecRaw, command: Command): Promise<void> {
  const collectGarbage = tuneV8ForGateway();
  const { serveSession } = await import('../../serve/gateway.js');
  const { writeTokenFile } = await import('../../serve/token.js');
  const [program, ...args] = argv;
  if (program === undefined) throw new SessionjarError('USAGE', 'exec: give the command to run after --, e.g. sessionjar exec app --target https://app.example -- curl …');
  const options = await gatewayServeOptions(raw, storeFor(command), raw.log === true || raw.json === true);
  const gateway = await serveSession(name, { ...options, collectGarbage, port: 0 });
  const token = gateway.token as string;
  const tokenFile = await writeTokenFile(token);
  try {
    const first = gateway.urls[0] as { url: string };
    const env = {
      ...process.env,
      SESSIONJAR_URL: first.url,
      SESSIONJAR_URLS: JSON.stringify(Object.fromEntries(gateway.urls.map((u) => [u.target, u.url]))),
      SESSIONJAR_TOKEN: token,
      SESSIONJAR_TOKEN_HEADER: gateway.tokenHeader,
      SESSIONJAR_TOKEN_FILE: tokenFile.path,
    };
    process.exitCode = await run(program, args, env, raw.json === true);
  } finally {
    await gateway.close();
    await tokenFile.remove();
  }
}

/**
 * Runs the command to its end and gives its exit status as shells do: 128 + signal number when a
 * signal ended it, 127 when there is no such command, 126 when it cannot be run.
 */
function run(program: string, args: string[], env: NodeJS.ProcessEnv, json: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: 'inherit', env });
    // Ctrl-C reaches the child from the terminal; a SIGTERM sent to sessionjar is passed on.
    const pass = (signal: NodeJS.Signals) => child.kill(signal);
    const ignore = () => undefined;
    process.on('SIGINT', ignore).on('SIGTERM', pass);
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.off('SIGINT', ignore).off('SIGTERM', pass);
      resolve(cannotRun(program, error, json));
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore).off('SIGTERM', pass);
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

/** Says why the command did not start, on stderr (one JSON object with --json), and gives the shell's status for it. */
function cannotRun(program: string, error: NodeJS.ErrnoException, json: boolean): number {
  const found = error.code !== 'ENOENT' && error.code !== 'ENOTDIR';
  const status = found ? EXEC_EXIT_CODES.notExecutable : EXEC_EXIT_CODES.notFound;
  const why = found
    ? `it cannot be run (${error.code ?? error.message}): check that it is an executable file and that you may run it`
    : `command not found (${error.code}): check its name${program.includes('/') ? ' and path' : ' and PATH'}`;
  const message = `exec: "${program}": ${why}; exit status ${status}, as a shell's.`;
  printStderr(json ? `${JSON.stringify({ error: { code: found ? 'NOT_EXECUTABLE' : 'COMMAND_NOT_FOUND', message, status } })}\n` : `sessionjar: ${message}\n`);
  return status;
}
