import { Command, InvalidArgumentError } from 'commander';
import type { DemoStep } from '../../demo/tour.js';
import { printJson, printLine } from '../output.js';

function positive(what: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`expected ${what}`);
    return n;
  };
}

export function printStep(step: DemoStep): void {
  printLine(`✓ ${step.title}`);
  for (const detail of step.details) printLine(`    ${detail}`);
}

export function makeDemoCommand(): Command {
  return new Command('demo')
    .description('Record logins on a bundled demo site, replay them over plain HTTP, watch them expire and come back')
    .option('--ttl <seconds>', 'lifetime of the demo sessions and access tokens', positive('a number of seconds, e.g. 12', false), 12)
    .option('--samples <n>', 'requests per side for the per-request timing', positive('a whole number, e.g. 20', true), 20)
    .option('--keep', 'keep the temporary folder with the session files')
    .option('--browser-path <file>', 'Chrome or Chromium executable to record with')
    .option('--json', 'machine-readable report instead of the steps')
    .addHelpText(
      'after',
      [
        '',
        'Everything runs on loopback; session files go to a temporary folder (removed at the end unless',
        '--keep) or to --dir when given. Takes about half a minute.',
        '',
        'Examples:',
        '  sessionjar demo',
        '  sessionjar demo --keep --ttl 20',
        '  sessionjar --dir /tmp/demo-sessions demo --json',
      ].join('\n'),
    )
    .action(async (options: { ttl: number; samples: number; keep?: boolean; browserPath?: string; json?: boolean }, command: Command) => {
      const { dir } = command.optsWithGlobals<{ dir?: string }>();
      const { runDemo } = await import('../../demo/tour.js');
      if (!options.json) printLine('sessionjar demo: record a login once, replay it over plain HTTP, watch it expire and come back.\n');
      const report = await runDemo({
        ...(dir ? { dir } : {}),
        keep: options.keep,
        ttlSeconds: options.ttl,
        samples: options.samples,
        browserPath: options.browserPath,
        ...(options.json ? {} : { onStep: printStep }),
      });
      if (options.json) return printJson(report);
      printStep({
        title: 'Cleaned up: demo servers and browsers closed',
        details: [report.kept ? `session files kept in ${report.dir}` : 'temporary session files removed'],
      });
    });
}
