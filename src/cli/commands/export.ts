import { Command, Option } from 'commander';
import { SessionjarError } from '../../core/errors.js';
import type { ExportFormat, LostItem } from '../../session/convert/index.js';
import type { SessionStore } from '../../store/types.js';
import { storeFor } from '../context.js';
import { printJson, printStderr } from '../output.js';
import { reportLines } from './import.js';

export interface ExportOptions {
  to: ExportFormat;
  /** Required for cookie-header; for HTTPie, adds the headers bound to this URL's origin. */
  url?: string;
}

export interface ExportResult {
  name: string;
  format: ExportFormat;
  /** The converted text: live credentials. */
  content: string;
  lost: LostItem[];
}

/** Converts a stored session to another tool's format. */
export async function exportSession(store: SessionStore, name: string, options: ExportOptions): Promise<ExportResult> {
  if (options.to === 'cookie-header' && !options.url) {
    throw new SessionjarError('USAGE', '--url is required with --to cookie-header: a Cookie header depends on the URL it is sent to.');
  }
  const session = await store.load(name);
  const convert = await import('../../session/convert/index.js');
  const { result, report } = convert.exportSession(session, options.to, options.url ? { url: options.url } : {});
  return { name, format: options.to, content: result, lost: report.lost };
}

export function makeExportCommand(): Command {
  return new Command('export')
    .description('Export a session as a Playwright storageState, cookies.txt, HTTPie session or Cookie header')
    .argument('<name>', 'session name, or path to a session file')
    .addOption(new Option('--to <format>', 'output format').choices(['playwright', 'netscape', 'httpie', 'cookie-header']).makeOptionMandatory())
    .option('--url <url>', 'cookie-header: the URL the header is for (required); httpie: also export that origin\'s headers')
    .option('-o, --output <file>', 'write to this file (mode 0600, atomically) instead of stdout')
    .option('--reveal', 'allow printing the credentials to a terminal')
    .option('--json', 'machine-readable output: { name, format, file | content, lost }')
    .addHelpText(
      'after',
      [
        '',
        'What the format cannot hold (SameSite in cookies.txt, storage and headers outside Playwright...) is listed on stderr.',
        'The output holds live credentials: to print it on a terminal rather than a pipe, add --reveal.',
        '',
        'Examples:',
        '  sessionjar export github --to netscape -o cookies.txt && curl -b cookies.txt https://github.com/',
        '  sessionjar export github --to playwright -o state.json',
        '  curl -H "Cookie: $(sessionjar export github --to cookie-header --url https://github.com/)" https://github.com/',
      ].join('\n'),
    )
    .action(async (name: string, options: ExportOptions & { output?: string; reveal?: boolean; json?: boolean }, command: Command) => {
      if (!options.output && process.stdout.isTTY && !options.reveal) {
        throw new SessionjarError('USAGE', 'the export holds live credentials: write it to a file with -o <file>, pipe it, or add --reveal to print it here.');
      }
      const result = await exportSession(storeFor(command), name, options);
      if (options.output) {
        const { writeFileAtomic } = await import('../../store/atomic-write.js');
        try {
          await writeFileAtomic(options.output, result.content, 0o600);
        } catch (error) {
          throw new SessionjarError('IO_ERROR', `${options.output}: cannot write the export (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
            details: { file: options.output },
          });
        }
      }
      if (options.json) {
        const { content, ...rest } = result;
        // The content is the point of an export: its credentials are printed as they are.
        printJson(options.output ? { ...rest, file: options.output } : { ...rest, content }, !options.output);
        return;
      }
      printStderr(reportLines(`export to ${options.to} lost`, result.lost));
      if (options.output) printStderr(`sessionjar: wrote ${options.output}\n`);
      else process.stdout.write(result.content);
    });
}
