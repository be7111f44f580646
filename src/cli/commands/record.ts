import { Command } from 'commander';
import { SessionjarError } from '../../core/errors.js';
import type { RecordOptions } from '../../record/record.js';
import { checkNewSessionRef } from '../../store/names.js';
import { storeFor } from '../context.js';
import { addLoggedOutOptions, loggedOutFrom, type LoggedOutRaw, nonEmpty, probeFrom, urlPattern } from '../option-values.js';
import { printJson, printLine } from '../output.js';

interface RawOptions extends LoggedOutRaw {
  url?: string;
  recipe?: string;
  untilUrl?: string;
  untilCookie?: string;
  untilSelector?: string;
  untilRequest?: string;
  tokenEndpoint?: string;
  probe?: string;
  headed?: boolean;
  timeout?: string;
  browserPath?: string;
  debug?: boolean;
  json?: boolean;
  force?: boolean;
  encrypt?: boolean;
}

/** Parses the command line into recordSession's options (without store, env and callbacks). */
export function recordOptionsFrom(name: string, raw: RawOptions): RecordOptions {
  let timeoutMs: number | undefined;
  if (raw.timeout !== undefined) {
    const seconds = Number(raw.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new SessionjarError('USAGE', `--timeout: "${raw.timeout}" is not a positive number of seconds.`);
    timeoutMs = Math.round(seconds * 1000);
  }
  const until = {
    ...(raw.untilUrl !== undefined ? { url: urlPattern(raw.untilUrl, '--until-url') } : {}),
    ...(raw.untilCookie !== undefined ? { cookie: nonEmpty(raw.untilCookie, '--until-cookie') } : {}),
    ...(raw.untilSelector !== undefined ? { selector: nonEmpty(raw.untilSelector, '--until-selector') } : {}),
    ...(raw.untilRequest !== undefined ? { request: urlPattern(raw.untilRequest, '--until-request') } : {}),
  };
  const probe = raw.probe === undefined ? undefined : probeFrom(raw.probe);
  const loggedOut = loggedOutFrom(raw);
  return {
    name: checkNewSessionRef(name),
    url: raw.url ?? '',
    ...(raw.recipe ? { recipe: raw.recipe } : {}),
    ...(Object.keys(until).length > 0 ? { until } : {}),
    ...(raw.tokenEndpoint ? { tokenEndpoint: raw.tokenEndpoint } : {}),
    ...(probe ? { probe } : {}),
    ...(loggedOut ? { loggedOut } : {}),
    ...(raw.headed ? { headed: true } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(raw.browserPath ? { browserPath: raw.browserPath } : {}),
    debug: Boolean(raw.debug),
    force: Boolean(raw.force),
    ...(raw.encrypt ? { encrypt: true } : {}),
  };
}

/**
 * A status line that rewrites itself on a terminal and prints sparingly into a log; a line ending
 * in a newline (what the login detected, say) stays.
 */
function statusWriter(): (line: string) => void {
  const tty = process.stderr.isTTY === true;
  let lastKind = '';
  let lastAt = 0;
  return (line) => {
    if (tty) {
      process.stderr.write(`\r\x1b[K${line}`);
      return;
    }
    if (line.endsWith('\n')) {
      lastKind = '';
      process.stderr.write(line);
      return;
    }
    const kind = line.replace(/\(\d+s, gives up in \d+s\)/, '');
    if (kind === lastKind && Date.now() - lastAt < 10_000) return;
    lastKind = kind;
    lastAt = Date.now();
    process.stderr.write(`${line}\n`);
  };
}

export function makeRecordCommand(): Command {
  const base = new Command('record')
    .description('Record a browser login into a session file: by hand in a browser window, or by recipe')
    .argument('<name>', 'session name (recordings/<name>.json), or a path ending in .json')
    .option('--url <login-url>', 'page the login starts at (optional when the recipe has "url")')
    .option('--recipe <file>', 'log in by recipe: JSON/YAML steps or a .mjs script (headless unless --headed)')
    .option('--until-url <pattern>', 'done when a page URL matches this glob (**/dashboard*) or /regex/')
    .option('--until-cookie <name>', 'done when a cookie of this name exists')
    .option('--until-selector <css>', 'done when this selector matches in a page')
    .option('--until-request <pattern>', 'done when the page sends a request with credentials (Authorization or Cookie) to a matching URL')
    .option('--token-endpoint <url>', 'OAuth token endpoint for later refresh, when the page does not call it while logging in')
    .option('--probe <url>', 'URL that answers 2xx only when logged in; stored for status and refresh');
  return addLoggedOutOptions(base)
    .option('--headed', 'show the browser while a recipe runs')
    .option('--timeout <seconds>', 'give up after this long (default 300 by hand, 60 by recipe)')
    .option('--browser-path <file>', 'Chrome/Chromium executable to use (or SESSIONJAR_BROWSER)')
    .option('--debug', 'on failure, save a screenshot of the page and print its path')
    .option('--json', 'print the summary as JSON')
    .option('--force', 'record over an existing session of that name')
    .option('--encrypt', 'save it encrypted (key: SESSIONJAR_PASSPHRASE, SESSIONJAR_KEY_FILE, or asked at the terminal)')
    .addHelpText(
      'after',
      [
        '',
        'By hand (a browser window opens; log in, MFA included). Without --until-* it ends by itself',
        'once a password was submitted, the sign-in form is gone and a new credential appeared (3 s to',
        'keep going with any key; Enter saves at once):',
        '  sessionjar record app --url https://app.example/profile',
        '  sessionjar record github --url https://github.com/login --until-cookie user_session',
        '  sessionjar record app --url https://app.example/login --until-url "**/dashboard**"',
        'By recipe (headless; values from the environment, see docs/recipes.md):',
        '  DEMO_USER=me DEMO_PASSWORD=... sessionjar record demo --url http://127.0.0.1:8080/login --recipe login.json',
        'Without a display: use --recipe, or xvfb-run -a sessionjar record ...',
        '',
        'Examples:',
        '  sessionjar record github --url https://github.com/login --until-cookie user_session',
        '  sessionjar record shop --url https://shop.example/login --recipe recipes/shop.yaml --json',
      ].join('\n'),
    )
    .action(async (name: string, raw: RawOptions, command: Command) => {
      const options = recordOptionsFrom(name, raw);
      const { recordSession } = await import('../../record/record.js');
      const { formatSummary } = await import('../../record/summary.js');
      const store = storeFor(command);
      // Asked before the browser opens: a missing passphrase must not cost a finished login.
      if (options.encrypt) await store.ensureKey(name);
      let result: Awaited<ReturnType<typeof recordSession>>;
      try {
        result = await recordSession({ ...options, store, onStatus: statusWriter() });
      } finally {
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      }
      if (raw.json) printJson(result.summary);
      else printLine(formatSummary(result.summary));
    });
}
