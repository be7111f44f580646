import { Command } from 'commander';
import { storeFor } from '../context.js';
import { printJson, printLine } from '../output.js';

/** `sessionjar pool status|reset <prefix>`: the shared state of a pool of accounts (`request --pool` uses it). */
export function makePoolCommand(): Command {
  const pool = new Command('pool').description('Show or reset the state of a pool of accounts (sessions named <prefix>-…)');
  pool
    .command('status')
    .description("Show each account's state (ready, cooling, quarantined, retired), why, and until when")
    .argument('<prefix>', 'the pool: sessions named <prefix>-<account>')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  sessionjar pool status shop\n  sessionjar pool status shop --json')
    .action(async (prefix: string, options: { json?: boolean }, command: Command) => {
      const { poolStatus } = await import('../../pool/status.js');
      const status = await poolStatus(prefix, { store: storeFor(command) });
      if (options.json) {
        printJson(status);
        return;
      }
      const width = Math.max(...status.members.map((m) => m.name.length));
      printLine(`pool ${status.pool} (${status.state})`);
      for (const m of status.members) printLine(`${m.name.padEnd(width)}  ${m.summary}`);
    });
  pool
    .command('reset')
    .description('Make accounts ready again (all of them unless named), e.g. after recording a retired one again')
    .argument('<prefix>', 'the pool: sessions named <prefix>-<account>')
    .argument('[accounts...]', 'session names of the accounts to reset')
    .option('--json', 'machine-readable output')
    .action(async (prefix: string, accounts: string[], options: { json?: boolean }, command: Command) => {
      const { resetPool } = await import('../../pool/status.js');
      const changes = await resetPool(prefix, accounts, { store: storeFor(command) });
      if (options.json) printJson({ reset: changes.map((c) => ({ name: c.name, from: c.from })) });
      else for (const c of changes) printLine(`${c.name}: ${c.from} → ready`);
    });
  // Errors go back to run() as for every command (program.ts sets this on the top-level ones only).
  for (const sub of pool.commands) sub.exitOverride();
  return pool;
}
