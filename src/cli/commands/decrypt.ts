import { Command } from 'commander';
import { storeFor } from '../context.js';
import { printJson, printLine } from '../output.js';

export function makeDecryptCommand(): Command {
  return new Command('decrypt')
    .description('Turn an encrypted session file back into plain JSON, in place (mode 0600)')
    .argument('<name>', 'session name or path of a session file')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nThe key comes from SESSIONJAR_PASSPHRASE, SESSIONJAR_KEY_FILE or the terminal, never the command line.\n\nExamples:\n  sessionjar decrypt github\n  SESSIONJAR_PASSPHRASE="$(pass show sessionjar)" sessionjar decrypt ./github.json',
    )
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const store = storeFor(command);
      const changed = await store.setEncryption(name, false);
      const location = store.locate(name);
      if (options.json) printJson({ location, encrypted: false, changed });
      else printLine(changed ? `decrypted ${location}: it now holds the session in plain JSON (mode 0600)` : `${location} is not encrypted; nothing changed`);
    });
}
