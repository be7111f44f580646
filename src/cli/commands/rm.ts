import { Command } from 'commander';
import { SessionjarError } from '../../core/errors.js';
import type { SessionStore } from '../../store/types.js';
import { storeFor } from '../context.js';
import { printJson, printLine } from '../output.js';

export interface RemoveResult {
  removed: string;
  location: string;
}

/** Deletes one session file (valid or not: a broken file must be removable). */
export async function removeSession(store: SessionStore, ref: string): Promise<RemoveResult> {
  const location = store.locate(ref);
  if (!(await store.delete(ref))) {
    throw new SessionjarError(
      'SESSION_NOT_FOUND',
      `no session "${ref}" to remove (looked for ${location}). Run \`sessionjar list\` to see the recorded sessions.`,
      { details: { file: location } },
    );
  }
  return { removed: ref, location };
}

export function makeRmCommand(): Command {
  return new Command('rm')
    .description('Delete a session file from the store')
    .argument('<name>', 'session name, or path to a session file')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  sessionjar rm github\n  sessionjar --dir ~/.sessions rm staging --json')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const result = await removeSession(storeFor(command), name);
      if (options.json) printJson(result);
      else printLine(`removed ${result.location}`);
    });
}
