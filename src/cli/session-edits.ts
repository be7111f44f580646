import type { z } from 'zod';
import { SessionjarError } from '../core/errors.js';
import { DEFAULT_LOGGED_OUT_STATUSES } from '../session/logged-out.js';
import type { HeaderRule, LoggedOut, Login, Probe, Session, StateRef } from '../session/schema/index.js';
import { readStateRef } from '../session/state-ref.js';
import type { SessionStore } from '../store/types.js';
import { warn } from './output.js';

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
  const { HeaderRuleSchema, ProbeSchema } = await import('../session/schema/index.js');
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
