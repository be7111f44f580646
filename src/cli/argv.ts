/** The subcommand a command line names: the first word after node, the script and the global options. */
export function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--dir' || arg === '--store') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** `request` and its alias `req`, whose `--json` is the request body, not a switch to JSON output. */
export function isRequestCommand(argv: readonly string[]): boolean {
  const command = commandOf(argv);
  return command === 'request' || command === 'req';
}
