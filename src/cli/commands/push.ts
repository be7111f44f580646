import { Command } from 'commander';
import { SessionjarError } from '../../core/errors.js';
import type { FileStore } from '../../store/file-store.js';
import type { ClosableStore } from '../../store/open-store.js';
import { fileStoreFor, sharedStoreFor } from '../context.js';
import { printJson, printLine } from '../output.js';

export interface CopyResult {
  name: string;
  from: string;
  to: string;
  encrypted: boolean;
  replaced: boolean;
}

/**
 * Copies session `name` from one store to another, as it is (an encrypted one stays encrypted with
 * the same key). An existing session at the destination is replaced only with `force`: it may be a
 * newer login than the one copied.
 */
export async function copySession(from: FileStore | ClosableStore, to: ClosableStore, name: string, force = false): Promise<CopyResult> {
  const session = await from.load(name);
  const encrypted = await from.isEncrypted(name);
  const replaced = await to.exists(name);
  if (replaced && !force) {
    throw new SessionjarError(
      'SESSION_EXISTS',
      `${to.locate(name)} already holds a session "${name}" (login generation ${(await to.load(name).catch(() => undefined))?.generation ?? 0}); it may be newer than ${from.locate(name)}. Pass --force to replace it.`,
      { details: { file: to.locate(name) } },
    );
  }
  await to.save(name, session, { encrypt: encrypted });
  return { name, from: from.locate(name), to: to.locate(name), encrypted, replaced };
}

export function makePushCommand(): Command {
  return new Command('push')
    .description('Copy a session from the session files (--dir) to the shared store (--store)')
    .argument('<name>', 'session name')
    .option('--force', 'replace the session already in the shared store')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  sessionjar push github --store redis://cache:6379/0\n  SESSIONJAR_STORE=unix:///run/redis/redis.sock?db=2 sessionjar --dir ~/.sessions push github --force',
    )
    .action(async (name: string, options: { force?: boolean; json?: boolean }, command: Command) => {
      const result = await copySession(fileStoreFor(command), sharedStoreFor(command, 'push'), name, options.force);
      if (options.json) printJson(result);
      else printLine(`pushed ${result.from} to ${result.to}${result.encrypted ? ' (encrypted)' : ''}`);
    });
}
