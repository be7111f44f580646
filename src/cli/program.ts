import { Command, CommanderError } from 'commander';
import { exitCodeFor } from '../core/exit-codes.js';
import { VERSION } from '../core/version.js';
import { isRequestCommand } from './argv.js';
import { closeStores } from './context.js';
import { exitStatusFor, reportCrashes } from './output.js';
import { makeListCommand } from './commands/list.js';
import { makeImportCommand } from './commands/import.js';
import { makeExportCommand } from './commands/export.js';
import { makeInspectCommand } from './commands/inspect.js';
import { makeSchemaCommand } from './commands/schema.js';
import { makeRmCommand } from './commands/rm.js';
import { makeDoctorCommand } from './commands/doctor.js';
import { makeEncryptCommand } from './commands/encrypt.js';
import { makeDecryptCommand } from './commands/decrypt.js';
import { makeRequestCommand } from './commands/request.js';
import { makeRecordCommand } from './commands/record.js';
import { makeOpenCommand } from './commands/open.js';
import { makeStatusCommand } from './commands/status.js';
import { makeRefreshCommand } from './commands/refresh.js';
import { makeDemoCommand } from './commands/demo.js';
import { makeEditCommand } from './commands/edit.js';
import { makeServeCommand } from './commands/serve.js';
import { makeExecCommand } from './commands/exec.js';
import { makePoolCommand } from './commands/pool.js';
import { makePushCommand } from './commands/push.js';
import { makePullCommand } from './commands/pull.js';

/**
 * Builds the command tree. Each command lives in commands/<name>.ts and loads its heavy modules
 * (converters, Playwright) inside its action, so `sessionjar request` starts fast.
 */
export function makeProgram(): Command {
  const program = new Command('sessionjar')
    .description('Record a browser login once, replay it over plain HTTP, refresh it when it expires.')
    .version(VERSION)
    .option('--dir <path>', 'folder of session files (default: $SESSIONJAR_DIR or ./recordings)')
    .option('--store <url>', 'shared store instead: redis://host:6379/0, rediss://…, unix:///path/redis.sock?db=0 (default: $SESSIONJAR_STORE unless --dir is given)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  // In the order of a session's life: record it, use it, keep it fresh, manage and convert it.
  const commands = [
    makeRecordCommand(), makeOpenCommand(), makeRequestCommand(), makePoolCommand(), makeServeCommand(), makeExecCommand(), makeStatusCommand(), makeRefreshCommand(),
    makeListCommand(), makeInspectCommand(), makeEditCommand(), makeImportCommand(), makeExportCommand(), makeRmCommand(),
    makePushCommand(), makePullCommand(),
    makeEncryptCommand(), makeDecryptCommand(), makeDoctorCommand(), makeDemoCommand(), makeSchemaCommand(),
  ];
  for (const command of commands) program.addCommand(command.exitOverride());
  return program;
}

/** Runs the CLI and returns the exit status; never throws. */
export async function run(argv: string[]): Promise<number> {
  const json = argv.includes('--json') && !isRequestCommand(argv);
  // The user asked to see secrets (request, refresh, inspect, export): an error shows them too.
  const reveal = argv.includes('--reveal');
  reportCrashes(json, reveal);
  try {
    await makeProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version land here with exit code 0; usage errors are already printed.
      return error.exitCode === 0 ? 0 : exitCodeFor('USAGE');
    }
    return exitStatusFor(error, json, reveal);
  } finally {
    await closeStores();
  }
}
