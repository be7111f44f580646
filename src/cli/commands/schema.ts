import { Command } from 'commander';

export function makeSchemaCommand(): Command {
  return new Command('schema')
    .description('Print the JSON Schema of the session file (format version 1)')
    .addHelpText('after', '\nExamples:\n  sessionjar schema > session.schema.json\n  npm run schema        # refreshes docs/session.schema.json')
    .action(async () => {
      const { sessionJsonSchemaText } = await import('../../session/schema/json-schema.js');
      process.stdout.write(sessionJsonSchemaText());
    });
}
