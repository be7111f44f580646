import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { SessionjarError } from '../../core/errors.js';
import type { ImportFormat, LostItem } from '../../session/convert/index.js';
import { checkNewSessionRef, toSessionName } from '../../store/names.js';
import { generationAfter } from '../../store/replace.js';
import type { SessionStore } from '../../store/types.js';
import { storeFor } from '../context.js';
import { printJson, printLine, printStderr } from '../output.js';
import { plural } from '../../core/plural.js';

export interface ImportFileOptions {
  /** Session name; defaults to the file's name without its extension. */
  as?: string;
  /** Sniffed from the content when absent. */
  from?: ImportFormat;
  /** Origin for formats that do not record one (HTTPie): binds domain-less cookies and secret headers. */
  origin?: string;
  /** Replace an existing session of that name. */
  force?: boolean;
}

export interface ImportFileResult {
  name: string;
  location: string;
  format: ImportFormat;
  cookies: number;
  origins: number;
  lost: LostItem[];
  /** Header rules worked out from the state (a JWT in localStorage → Authorization), for people. */
  derived: string[];
}

/** Converts a Playwright storageState, cookies.txt, HTTPie or sessionjar file into a stored session. */
export async function importFile(store: SessionStore, file: string, options: ImportFileOptions = {}): Promise<ImportFileResult> {
  const name = options.as === undefined ? nameFromFile(file) : checkNewSessionRef(options.as);
  const location = store.locate(name);
  if (!options.force && (await store.exists(name))) {
    throw new SessionjarError(
      'SESSION_EXISTS',
      `session "${name}" already exists (${location}); pass --force to replace it, or choose another name with --as <name>.`,
      { details: { file: location } },
    );
  }
  const text = await readInput(file);
  const { importSession } = await import('../../session/convert/index.js');
  const { result, report, format } = importSession(text, {
    name,
    file: file === '-' ? 'stdin' : file,
    ...(options.from ? { format: options.from } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
  });
  const generation = options.force ? await generationAfter(store, name) : undefined;
  await store.save(name, generation === undefined ? result : { ...result, generation });
  return { name, location, format, cookies: result.cookies.length, origins: result.origins.length, lost: report.lost, derived: report.derived ?? [] };
}

function nameFromFile(file: string): string {
  if (file === '-') throw new SessionjarError('USAGE', 'importing from stdin needs a session name: add --as <name>.');
  const name = toSessionName(basename(file, extname(file)));
  if (!name) throw new SessionjarError('USAGE', `cannot make a session name from "${file}": add --as <name>.`);
  return name;
}

async function readInput(file: string): Promise<string> {
  try {
    if (file !== '-') return await readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SessionjarError(
      code === 'ENOENT' ? 'INPUT_INVALID' : 'IO_ERROR',
      code === 'ENOENT' ? `${file}: no such file to import.` : `${file}: cannot read it (${code ?? (error as Error).message}).`,
      { details: { file } },
    );
  }
}

/** `lost: SameSite (3): cookies.txt has no SameSite field…` lines for stderr. */
export function reportLines(verb: string, lost: LostItem[]): string {
  return lost.map((l) => `sessionjar: ${verb}: ${l.what} (${l.count})${l.detail ? `: ${l.detail}` : ''}\n`).join('');
}

export function makeImportCommand(): Command {
  return new Command('import')
    .description('Import a Playwright storageState, cookies.txt or HTTPie session as a session')
    .argument('<file>', 'file to import ("-" for stdin)')
    .option('--as <name>', 'session name (default: the file name without its extension)')
    .addOption(new Option('--from <format>', 'input format (default: sniffed from the content)').choices(['playwright', 'netscape', 'httpie', 'sessionjar']))
    .option('--origin <url>', 'HTTPie: the host the session was used with (binds domain-less cookies and secret headers to it)')
    .option('--force', 'replace an existing session of that name')
    .option('--json', 'machine-readable output (the loss report included)')
    .addHelpText(
      'after',
      [
        '',
        'What the input could not carry (SameSite in cookies.txt, HttpOnly in HTTPie...) is listed on stderr.',
        '',
        'Examples:',
        '  sessionjar import state.json --as github          # Playwright storageState',
        '  sessionjar import cookies.txt --from netscape',
        '  sessionjar import ~/.config/httpie/sessions/api.example.com/dev.json --origin https://api.example.com',
      ].join('\n'),
    )
    .action(async (file: string, options: ImportFileOptions & { json?: boolean }, command: Command) => {
      const result = await importFile(storeFor(command), file, options);
      if (options.json) {
        printJson(result);
        return;
      }
      printStderr(reportLines('import could not carry', result.lost));
      for (const line of result.derived) printStderr(`sessionjar: import derived: header rule ${line}\n`);
      printLine(`imported ${plural(result.cookies, 'cookie')} and ${plural(result.origins, 'origin')} (${result.format}) into ${result.location}`);
    });
}
