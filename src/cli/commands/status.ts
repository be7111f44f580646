import { Command, InvalidArgumentError } from 'commander';
import { storeFor } from '../context.js';
import { printJson, printLine } from '../output.js';

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds, e.g. 60');
  return n;
}

export function makeStatusCommand(): Command {
  return new Command('status')
    .description('Tell whether a session is valid, expiring, expired or unknown (exit status 0, 16, 10, 15)')
    .argument('<name>', 'session name or path of a session file')
    .option('--probe', "also ask the server: request the session's probe URL")
    .option('--margin <seconds>', 'report "expiring" this long before the expiry', parseSeconds, 60)
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExit status: 0 valid, 16 expiring, 10 expired, 15 unknown, 3 no such session.\n\nExamples:\n  sessionjar status github\n  sessionjar status github --probe --json\n  sessionjar status github || sessionjar refresh github',
    )
    .action(async (name: string, options: { probe?: boolean; margin: number; json?: boolean }, command: Command) => {
      const { sessionStatus, describeStatus, STATUS_EXIT_CODES } = await import('../../refresh/status.js');
      const status = await sessionStatus(storeFor(command), name, { probe: options.probe, marginSeconds: options.margin });
      if (options.json) {
        printJson({
          ...status,
          ...(status.expiresAt === undefined ? {} : { expiresAt: new Date(status.expiresAt * 1000).toISOString(), expiresInSeconds: Math.round(status.expiresAt - Date.now() / 1000) }),
        });
      } else {
        printLine(describeStatus(status));
        if (status.probe) printLine(`probe ${status.probe.method} ${status.probe.url}: ${status.probe.ok ? 'passed' : 'failed'}, ${status.probe.reason}`);
      }
      process.exitCode = STATUS_EXIT_CODES[status.state];
    });
}
