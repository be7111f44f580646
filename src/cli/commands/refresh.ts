import { Command } from 'commander';
import { storeFor } from '../context.js';
import { printJson, printLine, printStderr } from '../output.js';
import { parseSeconds } from './status.js';

interface RefreshCommandOptions {
  ifNeeded?: boolean;
  verbose?: boolean;
  json?: boolean;
  reveal?: boolean;
  margin: number;
  interactive: boolean;
  browserPath?: string;
  timeout?: number;
}

export function makeRefreshCommand(): Command {
  return new Command('refresh')
    .description('Log a session in again: OAuth refresh token, silent single sign-on, the recorded recipe, or by hand')
    .argument('<name>', 'session name or path of a session file')
    .option('--if-needed', 'only when expiring or expired (or unknown and the probe fails): for cron')
    .option('--margin <seconds>', 'with --if-needed: refresh this long before the expiry', parseSeconds, 60)
    .option('--no-interactive', 'never open a browser window for a person, even at a terminal')
    .option('--browser-path <file>', 'Chrome or Chromium to run the recipe with')
    .option('--timeout <seconds>', 'time limit of a browser login', parseSeconds)
    .option('-v, --verbose', 'say which strategies were tried and what each did (stderr)')
    .option('--json', 'machine-readable output')
    .option('--reveal', "show the session's secrets where a server's answer repeats them (-v, outcomes, errors)")
    .addHelpText('after', '\nExamples:\n  sessionjar refresh github\n  sessionjar refresh github --if-needed -v     # in cron: */10 * * * *\n  sessionjar refresh github --json')
    .action(async (name: string, options: RefreshCommandOptions, command: Command) => {
      const { refreshIfNeeded } = await import('../../refresh/refresh-command.js');
      const result = await refreshIfNeeded({
        store: storeFor(command),
        name,
        ifNeeded: options.ifNeeded ?? false,
        marginSeconds: options.margin,
        ...(options.interactive ? {} : { interactive: false }),
        browserPath: options.browserPath,
        timeoutMs: options.timeout === undefined ? undefined : options.timeout * 1000,
        reveal: options.reveal ?? false,
        ...(options.verbose ? { onStatus: (line: string) => printStderr(`sessionjar: ${line}\n`, options.reveal) } : {}),
      });
      if (options.json) printJson(result, options.reveal);
      else printLine(result.message, options.reveal);
    });
}
