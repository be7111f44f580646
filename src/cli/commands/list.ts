import { Command } from 'commander';
import { isSessionjarError } from '../../core/errors.js';
import { sessionExpiry } from '../../session/expiry.js';
import { storeFor } from '../context.js';
import { printJson, printLine } from '../output.js';
import { plural } from '../../core/plural.js';

export function makeListCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('List the sessions in the store')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  sessionjar list\n  sessionjar --dir ~/.sessions list --json')
    .action(async (options: { json?: boolean }, command: Command) => {
      const entries = await storeFor(command).list();
      if (options.json) {
        printJson(
          entries.map((e) => ({
            name: e.name,
            location: e.location,
            ...(e.session
              ? { cookies: e.session.cookies.length, updatedAt: e.session.updatedAt, state: sessionExpiry(e.session).state }
              : { error: { code: isSessionjarError(e.error) ? e.error.code : 'INTERNAL', message: e.error?.message } }),
          })),
        );
        return;
      }
      if (entries.length === 0) printLine('no sessions (record one with `sessionjar record <name> --url <login-url>`)');
      for (const e of entries) {
        printLine(e.session ? `${e.name}\t${sessionExpiry(e.session).state}\t${plural(e.session.cookies.length, 'cookie')}\tupdated ${e.session.updatedAt}` : `${e.name}\tunreadable: ${e.error?.message.split('\n').slice(0, 3).join(' ')}`);
      }
    });
}
