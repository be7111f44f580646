import { Command } from 'commander';
import { fileStoreFor, sharedStoreFor } from '../context.js';
import { printJson, printLine } from '../output.js';
import { copySession } from './push.js';

export function makePullCommand(): Command {
  return new Command('pull')
    .description('Copy a session from the shared store (--store) to the session files (--dir)')
    .argument('<name>', 'session name')
    .option('--force', 'replace the session file already there')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  sessionjar pull github --store redis://cache:6379/0\n  sessionjar --dir ~/.sessions pull github --store rediss://cache:6380/0 --force')
    .action(async (name: string, options: { force?: boolean; json?: boolean }, command: Command) => {
      const result = await copySession(sharedStoreFor(command, 'pull'), fileStoreFor(command), name, options.force);
      if (options.json) printJson(result);
      else printLine(`pulled ${result.from} to ${result.to}${result.encrypted ? ' (encrypted)' : ''}`);
    });
}
