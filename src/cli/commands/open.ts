import { Command } from 'commander';
import { SessionjarError } from '../../core/errors.js';
import { storeFor } from '../context.js';
import { printStderr } from '../output.js';

export function makeOpenCommand(): Command {
  return new Command('open')
    .description('Open a browser window already logged in as a recorded session (waits until it is closed)')
    .argument('<name>', 'session name, or path of a session file')
    .option('--url <url>', 'page to open (default: the probe URL, else the login site\'s home page)')
    .option('--browser-path <file>', 'Chrome/Chromium executable to use (or SESSIONJAR_BROWSER)')
    .addHelpText('after', '\nExamples:\n  sessionjar open github\n  sessionjar open demo --url http://127.0.0.1:8080/account')
    .action(async (name: string, raw: { url?: string; browserPath?: string }, command: Command) => {
      if (raw.url !== undefined && !URL.canParse(raw.url)) throw new SessionjarError('USAGE', `--url: "${raw.url}" is not an absolute URL.`);
      const session = await storeFor(command).load(name);
      const { openInBrowser } = await import('../../record/open.js');
      await openInBrowser(session, {
        ...(raw.url ? { url: raw.url } : {}),
        ...(raw.browserPath ? { browserPath: raw.browserPath } : {}),
        onStatus: (line) => printStderr(`${line}\n`),
      });
    });
}
