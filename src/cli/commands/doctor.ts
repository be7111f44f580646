import { Command } from 'commander';
import { printJson, printLine } from '../output.js';

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

export function makeDoctorCommand(): Command {
  return new Command('doctor')
    .description('Check the set-up (Node, browser, permissions, git, encryption, each session) and say how to fix what is wrong')
    .option('--json', 'machine-readable output: { ok, checks: [{ id, status, message, fix }] }')
    .addHelpText(
      'after',
      '\nExits 1 when a check fails (warnings alone exit 0).\n\nExamples:\n  sessionjar doctor\n  sessionjar --dir ~/.sessions doctor --json',
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const { runDoctor } = await import('../../record/doctor.js');
      const { dir } = command.optsWithGlobals<{ dir?: string }>();
      const report = await runDoctor({ dir: dir ?? process.env.SESSIONJAR_DIR ?? 'recordings' });
      if (options.json) printJson(report);
      else {
        for (const check of report.checks) {
          printLine(`${MARK[check.status]}  ${check.id.padEnd(12)} ${check.message}`);
          if (check.fix && check.status !== 'ok') printLine(`      fix: ${check.fix.split('\n').join('\n           ')}`);
        }
        printLine(report.ok ? '\nno problems found' : '\nsomething needs fixing (see FAIL above)');
      }
      if (!report.ok) process.exitCode = 1;
    });
}
