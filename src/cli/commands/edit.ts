import { Command } from 'commander';
import type { z } from 'zod';
import { SessionjarError } from '../../core/errors.js';
import { isSecretHeader } from '../../core/redact.js';
import { DEFAULT_LOGGED_OUT_STATUSES } from '../../session/logged-out.js';
import type { HeaderRule, LoggedOut, Login, Probe, Session, StateRef } from '../../session/schema/index.js';
import { readStateRef } from '../../session/state-ref.js';
import { urlPatternProblem } from '../../session/url-pattern.js';
import { userRegexProblem } from '../../session/user-regex.js';
import type { SessionStore } from '../../store/types.js';
import { storeFor } from '../context.js';
import { printJson, printLine, warn } from '../output.js';

/** What `sessionjar edit` changes, parsed and checked; every field optional. */
export interface SessionEdits {
  /** Creates the login block when the session has none (an imported one): `login.url` is required there. */
  loginUrl?: string;
  /** Replaces the probe (URL, method, expectations). */
  probe?: Probe;
  /** Merged into the probe's `expect`, the new one's or the current one's. */
  probeExpect?: Probe['expect'];
  removeProbe?: boolean;
  /** Merged into `login.loggedOut` (a given `statuses` replaces the list, as `record --logged-out-status`). */
  loggedOut?: Partial<LoggedOut>;
  removeLoggedOut?: boolean;
  /** Each replaces the rules of its header for its origins. */
  headerRules?: HeaderRule[];
  /** `Header` drops every rule of that header; `Header@origin` takes that origin off them. */
  removeHeaderRules?: { header: string; origin?: string }[];
  /** Set in `headers.default`, or in `headers.origins[headerOrigin]`. */
  headers?: Record<string, string>;
  removeHeaders?: string[];
  headerOrigin?: string;
}

export interface EditResult {
  name: string;
  location: string;
  /** One line per change, for people; no secret values. */
  changes: string[];
}

/**
 * Adds or removes a probe, logged-out signals, header rules and headers of a stored session, under
 * the store's lock, validated as a session file before the atomic write. A file that fails to load
 * is reported and left as it is.
 */
export async function editSession(store: SessionStore, ref: string, edits: SessionEdits): Promise<EditResult> {
  // The schema is loaded here, not with the command tree, so other commands start without it.
  const { z: zod } = await import('zod');
  const { HeaderRuleSchema, ProbeSchema } = await import('../../session/schema/index.js');
  const check = <T>(schema: z.ZodType<T>, value: T, option: string) => {
    const result = schema.safeParse(value);
    if (!result.success) throw new SessionjarError('USAGE', `${option}: not valid in a session file:\n${zod.prettifyError(result.error)}`);
  };
  if (edits.probe) check(ProbeSchema, edits.probe, '--probe');
  for (const rule of edits.headerRules ?? []) check(HeaderRuleSchema, rule, `--header-rule ${rule.header}`);
  let changes: string[] = [];
  await store.update(ref, (current) => {
    const applied = applyEdits(current, edits);
    changes = applied.changes;
    return applied.session;
  });
  return { name: ref, location: store.locate(ref), changes };
}

/** The session with `edits` applied, and what changed. Pure. */
export function applyEdits(session: Session, edits: SessionEdits): { session: Session; changes: string[] } {
  const changes: string[] = [];
  let login = session.login;
  const touchesLogin = edits.probe || edits.probeExpect || edits.removeProbe || edits.loggedOut || edits.removeLoggedOut || edits.loginUrl;
  if (touchesLogin && !login && !edits.loginUrl) {
    throw new SessionjarError(
      'USAGE',
      `session "${session.name}" has no login block (it was imported, not recorded); add --login-url <url>, the page a re-login starts at, to create one with the probe and logged-out signals.`,
    );
  }
  if (edits.loginUrl) {
    login = login ? { ...login, url: edits.loginUrl } : { url: edits.loginUrl, env: [] };
    changes.push(`login URL: ${edits.loginUrl}`);
  }
  if (login) login = editLogin(login, edits, changes);

  let rules = session.headers.rules;
  for (const removal of edits.removeHeaderRules ?? []) {
    const before = JSON.stringify(rules);
    rules = withoutRule(rules, removal.header, removal.origin);
    if (JSON.stringify(rules) === before) throw new SessionjarError('USAGE', `--remove-header-rule: the session has no rule for ${removal.header}${removal.origin ? ` to ${removal.origin}` : ''}.`);
    changes.push(`removed header rule ${removal.header}${removal.origin ? ` for ${removal.origin}` : ''}`);
  }
  for (const rule of edits.headerRules ?? []) {
    rules = [...rule.origins.reduce((list, origin) => withoutRule(list, rule.header, origin), rules), rule];
    changes.push(`header rule ${rule.header}: ${rule.template} from ${describeRef(rule.from)}, sent to ${rule.origins.join(', ')}`);
    if (readStateRef(session, rule.from) === undefined) {
      warn(`--header-rule ${rule.header}: the session holds no ${describeRef(rule.from)} now; the header is sent once it does.`);
    }
  }

  const where = edits.headerOrigin ?? 'every origin';
  let target = { ...(edits.headerOrigin ? (session.headers.origins[edits.headerOrigin] ?? {}) : session.headers.default) };
  for (const name of edits.removeHeaders ?? []) {
    const key = Object.keys(target).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) throw new SessionjarError('USAGE', `--remove-header: the session sends no ${name} header to ${where}${edits.headerOrigin ? '' : ' (add --header-origin <origin> for a per-origin one)'}.`);
    delete target[key];
    changes.push(`removed header ${key} (${where})`);
  }
  for (const [name, value] of Object.entries(edits.headers ?? {})) {
    target = Object.fromEntries(Object.entries(target).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
    target[name] = value;
    changes.push(`header ${name} (${where})`);
  }
  const headers = edits.headerOrigin
    ? { ...session.headers, rules, origins: dropEmpty({ ...session.headers.origins, [edits.headerOrigin]: target }) }
    : { ...session.headers, rules, default: target };

  if (changes.length === 0) throw new SessionjarError('USAGE', 'nothing to change: give --probe, --logged-out-*, --header-rule, --header or a --remove-* option (see sessionjar edit --help).');
  const { login: _old, ...rest } = session;
  return { session: { ...rest, headers, ...(login ? { login } : {}) }, changes };
}

function editLogin(login: Login, edits: SessionEdits, changes: string[]): Login {
  let next: Login = login;
  if (edits.removeProbe) {
    if (!next.probe) throw new SessionjarError('USAGE', '--remove-probe: the session has no probe.');
    const { probe: _p, ...withoutProbe } = next;
    next = withoutProbe;
    changes.push('removed the probe');
  }
  if (edits.probe || edits.probeExpect) {
    const base = edits.probe ?? next.probe;
    if (!base) throw new SessionjarError('USAGE', '--probe-status, --probe-body-includes and --probe-json-path need a probe: add --probe <url>.');
    const probe = { ...base, expect: { ...base.expect, ...edits.probeExpect } };
    next = { ...next, probe };
    const expects = [
      probe.expect.status ? `status ${probe.expect.status.join(',')}` : 'any 2xx',
      ...(probe.expect.bodyIncludes !== undefined ? [`body includes "${probe.expect.bodyIncludes}"`] : []),
      ...(probe.expect.jsonPath !== undefined ? [`JSON has ${probe.expect.jsonPath}`] : []),
    ];
    changes.push(`probe: ${probe.method} ${probe.url} (expects ${expects.join(', ')})`);
  }
  if (edits.removeLoggedOut) {
    if (!next.loggedOut) throw new SessionjarError('USAGE', '--remove-logged-out: the session has no logged-out signals.');
    const { loggedOut: _l, ...withoutLoggedOut } = next;
    next = withoutLoggedOut;
    changes.push('removed the logged-out signals (the defaults apply: 401, 419, 440 and a redirect to the login page)');
  }
  if (edits.loggedOut) {
    const loggedOut: LoggedOut = { statuses: [...DEFAULT_LOGGED_OUT_STATUSES], redirectTo: [], ...next.loggedOut, ...edits.loggedOut };
    next = { ...next, loggedOut };
    const parts = [
      `statuses ${loggedOut.statuses.join(',') || 'none'}`,
      ...(loggedOut.urlPattern !== undefined ? [`URL ${loggedOut.urlPattern}`] : []),
      ...(loggedOut.bodyRegex !== undefined ? [`body /${loggedOut.bodyRegex}/`] : []),
      ...(loggedOut.jsonPath !== undefined ? [`JSON has ${loggedOut.jsonPath}`] : []),
    ];
    changes.push(`logged out when: ${parts.join(', ')}`);
  }
  return next;
}

/** `rules` with `origin` (every origin when absent) taken off the rules of `header`; emptied rules go. */
function withoutRule(rules: HeaderRule[], header: string, origin?: string): HeaderRule[] {
  return rules.flatMap((r) => {
    if (r.header.toLowerCase() !== header.toLowerCase()) return [r];
    const origins = origin === undefined ? [] : r.origins.filter((o) => o !== origin);
    return origins.length > 0 ? [{ ...r, origins }] : [];
  });
}

function dropEmpty(origins: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(origins).filter(([, headers]) => Object.keys(headers).length > 0));
}

function describeRef(ref: StateRef): string {
  if ('cookie' in ref) return `cookie "${ref.cookie}"`;
  return `${ref.storage} "${ref.key}"${ref.jsonPath ? ` field ${ref.jsonPath}` : ''} of ${ref.origin}`;
}

interface RawOptions {
  loginUrl?: string;
  probe?: string;
  probeMethod?: string;
  probeStatus?: string;
  probeBodyIncludes?: string;
  probeJsonPath?: string;
  removeProbe?: boolean;
  loggedOutStatus?: string;
  loggedOutUrl?: string;
  loggedOutBodyRegex?: string;
  loggedOutJsonPath?: string;
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
    ...(raw.probeStatus !== undefined ? { status: statuses(raw.probeStatus, '--probe-status') } : {}),
    ...(raw.probeBodyIncludes !== undefined ? { bodyIncludes: raw.probeBodyIncludes } : {}),
    ...(raw.probeJsonPath !== undefined ? { jsonPath: nonEmpty(raw.probeJsonPath, '--probe-json-path') } : {}),
  };
  const loggedOut = {
    ...(raw.loggedOutStatus !== undefined ? { statuses: statuses(raw.loggedOutStatus, '--logged-out-status') } : {}),
    ...(raw.loggedOutUrl !== undefined ? { urlPattern: pattern(raw.loggedOutUrl, '--logged-out-url') } : {}),
    ...(raw.loggedOutBodyRegex !== undefined ? { bodyRegex: regex(raw.loggedOutBodyRegex, '--logged-out-body-regex') } : {}),
    ...(raw.loggedOutJsonPath !== undefined ? { jsonPath: nonEmpty(raw.loggedOutJsonPath, '--logged-out-json-path') } : {}),
  };
  if (raw.probe !== undefined && raw.removeProbe) throw new SessionjarError('USAGE', '--probe and --remove-probe contradict each other; give one.');
  if (Object.keys(loggedOut).length > 0 && raw.removeLoggedOut) throw new SessionjarError('USAGE', '--logged-out-* and --remove-logged-out contradict each other; give one.');
  return {
    ...(raw.loginUrl !== undefined ? { loginUrl: absoluteUrl(raw.loginUrl, '--login-url') } : {}),
    ...(raw.probe !== undefined ? { probe: probeFrom(raw.probe, raw.probeMethod) } : {}),
    ...(Object.keys(probeExpect).length > 0 ? { probeExpect } : {}),
    ...(raw.removeProbe ? { removeProbe: true } : {}),
    ...(Object.keys(loggedOut).length > 0 ? { loggedOut } : {}),
    ...(raw.removeLoggedOut ? { removeLoggedOut: true } : {}),
    ...(raw.headerRule.length > 0 ? { headerRules: raw.headerRule.map(parseHeaderRule) } : {}),
    ...(raw.removeHeaderRule.length > 0 ? { removeHeaderRules: raw.removeHeaderRule.map(parseRuleRemoval) } : {}),
    ...(raw.header.length > 0 ? { headers: parseHeaders(raw.header, headerOrigin) } : {}),
    ...(raw.removeHeader.length > 0 ? { removeHeaders: raw.removeHeader.map((h) => headerName(h, '--remove-header')) } : {}),
    ...(headerOrigin ? { headerOrigin } : {}),
  };
}

function absoluteUrl(value: string, option: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // reported below
  }
  throw new SessionjarError('USAGE', `${option}: "${value}" is not an absolute http(s) URL; give one like https://app.example/api/me.`);
}

function originOf(value: string, option: string): string {
  const url = new URL(absoluteUrl(value, option));
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new SessionjarError('USAGE', `${option}: "${value}" has a path; give an origin such as ${url.origin} (headers are bound to whole origins).`);
  }
  return url.origin;
}

function probeFrom(url: string, method = 'GET'): Probe {
  const upper = method.toUpperCase();
  if (upper !== 'GET' && upper !== 'HEAD') throw new SessionjarError('USAGE', `--probe-method: "${method}" is not GET or HEAD (a probe must not change anything).`);
  return { url: absoluteUrl(url, '--probe'), method: upper, expect: {} };
}

/** `401,403` → [401, 403], as `record --logged-out-status`. */
function statuses(value: string, option: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[1-5]\d\d$/.test(p))) {
    throw new SessionjarError('USAGE', `${option}: "${value}" is not a comma-separated list of HTTP statuses (like 401,403).`);
  }
  return parts.map(Number);
}

function nonEmpty(value: string, option: string): string {
  if (value.trim() === '') throw new SessionjarError('USAGE', `${option}: give a non-empty value.`);
  return value;
}

function regex(value: string, option: string): string {
  const problem = userRegexProblem(nonEmpty(value, option));
  if (problem) throw new SessionjarError('USAGE', `${option}: "${value}" cannot be used: ${problem}. See "Patterns" in docs/session-format.md.`);
  return value;
}

function pattern(value: string, option: string): string {
  const problem = urlPatternProblem(nonEmpty(value, option));
  if (problem) throw new SessionjarError('USAGE', `${option}: "${value}" cannot be used: ${problem}. See "Patterns" in docs/session-format.md.`);
  return value;
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** The jar owns Cookie; the transport owns the rest. */
const NOT_SETTABLE = new Set(['cookie', 'host', 'content-length', 'transfer-encoding', 'connection']);

function headerName(name: string, option: string): string {
  const trimmed = name.trim();
  if (!TOKEN.test(trimmed)) throw new SessionjarError('USAGE', `${option}: "${name}" is not a header name.`);
  if (NOT_SETTABLE.has(trimmed.toLowerCase())) {
    throw new SessionjarError('USAGE', `${option}: ${trimmed} is not a header a session keeps${trimmed.toLowerCase() === 'cookie' ? ' (cookies live in the jar: import or record them)' : ''}.`);
  }
  return trimmed;
}

function parseHeaders(values: string[], origin: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon < 0) throw new SessionjarError('USAGE', `--header: a value without a colon is not 'Name: value' (not repeated here: it may hold a credential); give one like --header 'Origin: https://app.example'.`);
    const name = headerName(value.slice(0, colon), '--header');
    const text = value.slice(colon + 1).trim();
    if (text === '') throw new SessionjarError('USAGE', `--header: "${value}" has no value; to stop sending ${name}, use --remove-header ${name}.`);
    if (!origin && isSecretHeader(name)) {
      throw new SessionjarError('USAGE', `--header: ${name} carries a credential; bind it to the one origin it is for with --header-origin <origin>, so it is never sent elsewhere.`);
    }
    headers[name] = text;
  }
  return headers;
}

/**
 * `X-CSRF-Token=cookie:csrftoken@https://app.example`,
 * `Authorization=Bearer localStorage:auth#access_token@https://api.example,https://app.example`,
 * `Authorization=Token token={cookie:t}@https://app.example`; the storage of another origin than
 * the first target: `localStorage(https://app.example):auth#access_token`.
 */
export function parseHeaderRule(spec: string): HeaderRule {
  const usage = (why: string) =>
    new SessionjarError(
      'USAGE',
      `--header-rule: "${spec}" ${why}; give '<Header>=[<scheme> ]<source>@<origin>[,<origin>]' with <source> cookie:<name> or localStorage:<key>[#<json.path>], e.g. 'X-CSRF-Token=cookie:csrftoken@https://app.example'.`,
    );
  const eq = spec.indexOf('=');
  const at = spec.lastIndexOf('@');
  if (eq <= 0 || at < eq) throw usage('is not a rule');
  const header = spec.slice(0, eq).trim();
  if (!TOKEN.test(header)) throw usage(`has no valid header name before "="`);
  if (NOT_SETTABLE.has(header.toLowerCase())) throw usage(`sets ${header}, which a session does not keep`);
  const value = spec.slice(eq + 1, at).trim();
  const origins = spec
    .slice(at + 1)
    .split(',')
    .map((o) => originOf(o.trim(), '--header-rule'));
  let template = '{value}';
  let source = value;
  const braced = /\{([^{}]+)\}/.exec(value);
  if (braced) {
    template = value.replace(braced[0], '{value}');
    source = braced[1] ?? '';
  } else if (value.includes(' ')) {
    const space = value.lastIndexOf(' ');
    template = `${value.slice(0, space)} {value}`;
    source = value.slice(space + 1);
  }
  const from = parseSource(source.trim(), origins[0] ?? '', usage);
  return { header, from, template, origins: [...new Set(origins)] };
}

function parseSource(source: string, defaultOrigin: string, usage: (why: string) => SessionjarError): StateRef {
  const cookie = /^cookie:(.+)$/.exec(source);
  if (cookie) return { cookie: cookie[1] ?? '' };
  const storage = /^(localStorage|sessionStorage)(?:\(([^()]+)\))?:([^#]+)(?:#(.+))?$/.exec(source);
  if (!storage) throw usage(`has no source "${source}" (cookie:<name>, localStorage:<key> or sessionStorage:<key>)`);
  const [, kind, origin, key, jsonPath] = storage;
  return {
    storage: kind as 'localStorage' | 'sessionStorage',
    origin: origin === undefined ? defaultOrigin : originOf(origin, '--header-rule'),
    key: key ?? '',
    ...(jsonPath !== undefined ? { jsonPath } : {}),
  };
}

/** `X-CSRF-Token` or `X-CSRF-Token@https://app.example`. */
function parseRuleRemoval(spec: string): { header: string; origin?: string } {
  const at = spec.indexOf('@');
  const header = at < 0 ? spec : spec.slice(0, at);
  if (!TOKEN.test(header.trim())) throw new SessionjarError('USAGE', `--remove-header-rule: "${spec}" is not <Header> or <Header>@<origin>.`);
  return { header: header.trim(), ...(at < 0 ? {} : { origin: originOf(spec.slice(at + 1), '--remove-header-rule') }) };
}

const collect = (value: string, list: string[]) => [...list, value];

export function makeEditCommand(): Command {
  return new Command('edit')
    .description('Add or remove a probe, logged-out signals, header rules and headers of a stored session')
    .argument('<name>', 'session name, or path of a session file')
    .option('--login-url <url>', 'where a re-login starts; needed to add a probe or logged-out signals to an imported session')
    .option('--probe <url>', 'URL that answers 2xx only when logged in; used by status and refresh (replaces the probe)')
    .option('--probe-method <method>', 'GET (default) or HEAD')
    .option('--probe-status <codes>', 'comma-separated statuses that mean logged in (default any 2xx)')
    .option('--probe-body-includes <text>', 'logged in only when the probe body includes this text')
    .option('--probe-json-path <path>', 'logged in only when this dot path is present and non-empty in the JSON body')
    .option('--remove-probe', 'remove the probe')
    .option('--logged-out-status <codes>', 'comma-separated statuses that mean logged out (default 401,419,440; replaces the list)')
    .option('--logged-out-url <pattern>', 'logged out when the final URL matches this glob or /regex/')
    .option('--logged-out-body-regex <regex>', 'logged out when a text, HTML or JSON body matches (an app that answers 200 with a sign-in page)')
    .option('--logged-out-json-path <path>', 'logged out when this dot path is present in a JSON body (e.g. error.code)')
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
