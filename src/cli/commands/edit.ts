import { Command } from 'commander';
import { SessionjarError } from '../../core/errors.js';
import { storeFor } from '../context.js';
import { parseHeaderRule, parseHeaders, parseRuleRemoval } from '../header-options.js';
import { absoluteUrl, addLoggedOutOptions, headerName, httpStatuses, jsonPath, loggedOutFrom, type LoggedOutRaw, originOf, probeFrom } from '../option-values.js';
import { printJson, printLine } from '../output.js';
import { editSession, type SessionEdits } from '../session-edits.js';

interface RawOptions extends LoggedOutRaw {
  loginUrl?: string;
  probe?: string;
  probeMethod?: string;
  probeStatus?: string;
  probeBodyIncludes?: string;
  probeJsonPath?: string;
  removeProbe?: boolean;
  removeLoggedOut?: boolean;
  headerRule: string[];
  removeHeaderRule: string[];
  header: string[];
  removeHeader: string[];
  headerOrigin?: string;
  json?: boolean;
}

/** Turns the command line into {@link SessionEdits}; every mistake is a USAGE error naming the option and value. */
export function editsFrom(raw: RawOptions): SessionEdits {
  const headerOrigin = raw.headerOrigin === undefined ? undefined : originOf(raw.headerOrigin, '--header-origin');
  const probeExpect = {
    ...(raw.probeStatus !== undefined ? { status: httpStatuses(raw.probeStatus, '--probe-status') } : {}),
    ...(raw.probeBodyIncludes !== undefined ? { bodyIncludes: raw.probeBodyIncludes } : {}),
    ...(raw.probeJsonPath !== undefined ? { jsonPath: jsonPath(raw.probeJsonPath, '--probe-json-path') } : {}),
  };
  const loggedOut = loggedOutFrom(raw);
  if (raw.probe !== undefined && raw.removeProbe) throw new SessionjarError('USAGE', '--probe and --remove-probe contradict each other; give one.');
  if (loggedOut && raw.removeLoggedOut) throw new SessionjarError('USAGE', '--logged-out-* and --remove-logged-out contradict each other; give one.');
  return {
    ...(raw.loginUrl !== undefined ? { loginUrl: absoluteUrl(raw.loginUrl, '--login-url') } : {}),
    ...(raw.probe !== undefined ? { probe: probeFrom(raw.probe, raw.probeMethod) } : {}),
    ...(Object.keys(probeExpect).length > 0 ? { probeExpect } : {}),
    ...(raw.removeProbe ? { removeProbe: true } : {}),
    ...(loggedOut ? { loggedOut } : {}),
    ...(raw.removeLoggedOut ? { removeLoggedOut: true } : {}),
    ...(raw.headerRule.length > 0 ? { headerRules: raw.headerRule.map(parseHeaderRule) } : {}),
    ...(raw.removeHeaderRule.length > 0 ? { removeHeaderRules: raw.removeHeaderRule.map(parseRuleRemoval) } : {}),
    ...(raw.header.length > 0 ? { headers: parseHeaders(raw.header, headerOrigin) } : {}),
    ...(raw.removeHeader.length > 0 ? { removeHeaders: raw.removeHeader.map((h) => headerName(h, '--remove-header')) } : {}),
    ...(headerOrigin ? { headerOrigin } : {}),
  };
}

const collect = (value: string, list: string[]) => [...list, value];

export function makeEditCommand(): Command {
  const base = new Command('edit')
    .description('Add or remove a probe, logged-out signals, header rules and headers of a stored session')
    .argument('<name>', 'session name, or path of a session file')
    .option('--login-url <url>', 'where a re-login starts; needed to add a probe or logged-out signals to an imported session')
    .option('--probe <url>', 'URL that answers 2xx only when logged in; used by status and refresh (replaces the probe)')
    .option('--probe-method <method>', 'GET (default) or HEAD')
    .option('--probe-status <codes>', 'comma-separated statuses that mean logged in (default any 2xx)')
    .option('--probe-body-includes <text>', 'logged in only when the probe body includes this text')
    .option('--probe-json-path <path>', 'logged in only when this dot path is present and non-empty in the JSON body')
    .option('--remove-probe', 'remove the probe');
  return addLoggedOutOptions(base)
    .option('--remove-logged-out', 'remove the logged-out signals (the defaults apply again)')
    .option('--header-rule <rule>', "'<Header>=[<scheme> ]<source>@<origin>[,<origin>]': send a value read per request from a cookie or storage (repeatable)", collect, [])
    .option('--remove-header-rule <header>', "remove the rules of <Header>, or of <Header>@<origin> for that origin only (repeatable)", collect, [])
    .option('--header <header>', "'Name: value' sent with every request, or to --header-origin only (repeatable)", collect, [])
    .option('--remove-header <name>', 'stop sending a stored header (repeatable)', collect, [])
    .option('--header-origin <origin>', 'the origin --header and --remove-header apply to (required for credential headers)')
    .option('--json', 'print { name, location, changes } as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Sources of a header rule: cookie:<name>, localStorage:<key>[#<json.path>], sessionStorage:<key>[#<json.path>];',
        'storage is read from the first origin unless written localStorage(<origin>):<key>.',
        '',
        'Examples:',
        "  sessionjar edit wiki --probe https://wiki.example/?do=profile --logged-out-status 401,403 --logged-out-body-regex 'name=\"do\" value=\"login\"'",
        "  sessionjar edit django --header-rule 'X-CSRFToken=cookie:csrftoken@https://app.example' --header-origin https://app.example --header 'Referer: https://app.example/'",
        "  sessionjar edit spa --header-rule 'Authorization=Bearer localStorage(https://app.example):auth#access_token@https://api.example'",
        '  sessionjar edit imported --login-url https://app.example/login --probe https://app.example/api/me',
      ].join('\n'),
    )
    .action(async (name: string, raw: RawOptions, command: Command) => {
      const result = await editSession(storeFor(command), name, editsFrom(raw));
      if (raw.json) {
        printJson(result);
        return;
      }
      for (const change of result.changes) printLine(change);
      printLine(`saved ${result.location}`);
    });
}
