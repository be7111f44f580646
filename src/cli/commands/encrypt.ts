import { Command } from 'commander';
import { storeFor } from '../context.js';
import { printJson, printLine } from '../output.js';

export function makeEncryptCommand(): Command {
  return new Command('encrypt')
    .description('Encrypt a session file in place (AES-256-GCM; key from SESSIONJAR_PASSPHRASE, SESSIONJAR_KEY_FILE or the terminal)')
    .argument('<name>', 'session name or path of a session file')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nThe passphrase is never read from the command line. Other commands read and write the file as before,\nand it stays encrypted on every write-back.\n\nExamples:\n  sessionjar encrypt github                      (asks for a passphrase twice)\n  SESSIONJAR_KEY_FILE=~/.config/sessionjar.key sessionjar encrypt github',
    )
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const store = storeFor(command);
      const changed = await store.setEncryption(name, true);
      const location = store.locate(name);
      if (options.json) printJson({ location, encrypted: true, changed });
      else printLine(changed ? `encrypted ${location}` : `${location} is already encrypted; nothing changed`);
    });
}
