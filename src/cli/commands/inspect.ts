import { Command } from 'commander';
import { redactHeader, showValue } from '../../core/redact.js';
import { relativeTime, sessionExpiry, type Expiry } from '../../session/expiry.js';
import type { Cookie, HeaderRule, Login, Session, StateRef, Tokens } from '../../session/schema/index.js';
import type { SessionStore } from '../../store/types.js';
import { storeFor } from '../context.js';
import { printJson, printLine } from '../output.js';

export interface InspectedCookie {
  name: string;
  /** Redacted unless revealed. */
  value: string;
  path: string;
  hostOnly: boolean;
  httpOnly: boolean;
  secure: boolean;
  sameSite: Cookie['sameSite'] | null;
  partitionKey?: string;
  /** ISO time, null for a session cookie. */
  expires: string | null;
  /** "in 3d 4h", "2h 5m ago", "session". */
  expiresIn: string;
}

export interface Inspection {
  name: string;
  location: string;
  version: number;
  generator: string;
  createdAt: string;
  updatedAt: string;
  expiry: Expiry;
  cookies: { domain: string; cookies: InspectedCookie[] }[];
  origins: {
    origin: string;
    localStorage: Record<string, string>;
    sessionStorage: Record<string, string>;
    indexedDB: { name: string; version: number; stores: { name: string; records: number }[] }[];
  }[];
  headers: { default: Record<string, string>; origins: Record<string, Record<string, string>>; rules: HeaderRule[] };
  login: (Omit<Login, 'steps'> & { steps: number }) | null;
  /** Where tokens live (references only, no values). */
  tokens: Tokens | null;
}

/** A session's content for people: values redacted unless `reveal`, expiries absolute and relative. */
export async function inspectSession(store: SessionStore, ref: string, options: { reveal?: boolean; now?: number } = {}): Promise<Inspection> {
  const session = await store.load(ref);
  return describeSession(session, store.locate(ref), options);
}

export function describeSession(session: Session, location: string, options: { reveal?: boolean; now?: number } = {}): Inspection {
  const reveal = options.reveal ?? false;
  const now = options.now ?? Date.now();
  const domains = new Map<string, InspectedCookie[]>();
  const sorted = [...session.cookies].sort((a, b) => a.domain.localeCompare(b.domain) || a.name.localeCompare(b.name));
  for (const c of sorted) {
    const list = domains.get(c.domain) ?? [];
    domains.set(c.domain, list);
    list.push({
      name: c.name,
      value: showValue(c.value, reveal, { expires: c.expires }),
      path: c.path,
      hostOnly: c.hostOnly,
      httpOnly: c.httpOnly,
      secure: c.secure,
      sameSite: c.sameSite ?? null,
      ...(c.partitionKey !== undefined ? { partitionKey: c.partitionKey } : {}),
      expires: c.expires === null ? null : new Date(c.expires * 1000).toISOString(),
      expiresIn: c.expires === null ? 'session' : relativeTime(c.expires, now),
    });
  }
  const storage = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, showValue(v, reveal)]));
  const headers = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, redactHeader(k, v, reveal)]));
  const { steps, ...login } = session.login ?? { steps: undefined };
  return {
    name: session.name,
    location,
    version: session.version,
    generator: session.generator,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    expiry: sessionExpiry(session, { now }),
    cookies: [...domains].map(([domain, cookies]) => ({ domain, cookies })),
    origins: session.origins.map((o) => ({
      origin: o.origin,
      localStorage: storage(o.localStorage),
      sessionStorage: storage(o.sessionStorage),
      indexedDB: (o.indexedDB ?? []).map((db) => ({
        name: db.name,
        version: db.version,
        stores: db.stores.map((s) => ({ name: s.name, records: s.records.length })),
      })),
    })),
    headers: {
      default: headers(session.headers.default),
      origins: Object.fromEntries(Object.entries(session.headers.origins).map(([o, h]) => [o, headers(h)])),
      rules: session.headers.rules,
    },
    login: session.login ? ({ ...login, steps: steps?.length ?? 0 } as Inspection['login']) : null,
    tokens: session.tokens ?? null,
  };
}

function describeRef(ref: StateRef): string {
  if ('cookie' in ref) return `cookie ${ref.cookie}${ref.domain ? ` (${ref.domain}${ref.path ?? ''})` : ''}`;
  return `${ref.storage} ${ref.origin} ${ref.key}${ref.jsonPath ? ` → ${ref.jsonPath}` : ''}`;
}

export function formatInspection(i: Inspection): string[] {
  const lines = [
    `session ${i.name} (${i.location})`,
    `  format v${i.version}, written by ${i.generator}; created ${i.createdAt}, updated ${i.updatedAt}`,
    `  state: ${i.expiry.state}${i.expiry.expiresAt ? `, expires ${new Date(i.expiry.expiresAt * 1000).toISOString()}` : ''}${i.expiry.source ? ` (${i.expiry.source})` : ''}`,
    '',
    `cookies (${i.cookies.reduce((n, d) => n + d.cookies.length, 0)})`,
  ];
  for (const d of i.cookies) {
    lines.push(`  ${d.domain}`);
    for (const c of d.cookies) {
      const flags = [
        c.hostOnly ? 'host-only' : 'subdomains',
        c.path === '/' ? '' : `path=${c.path}`,
        c.httpOnly ? 'HttpOnly' : '',
        c.secure ? 'Secure' : '',
        c.sameSite ? `SameSite=${c.sameSite}` : '',
        c.partitionKey ? `partitioned(${c.partitionKey})` : '',
      ].filter(Boolean);
      const expiry = c.expires === null ? 'session' : `expires ${c.expires} (${c.expiresIn})`;
      lines.push(`    ${c.name}=${c.value}  ${flags.join(' ')}  ${expiry}`);
    }
  }
  if (i.origins.length > 0) lines.push('', 'storage');
  for (const o of i.origins) {
    lines.push(`  ${o.origin}`);
    for (const kind of ['localStorage', 'sessionStorage'] as const) {
      for (const [key, value] of Object.entries(o[kind])) lines.push(`    ${kind} ${key}: ${value}`);
    }
    for (const db of o.indexedDB) {
      const stores = db.stores.map((s) => `${s.name} (${s.records} record${s.records === 1 ? '' : 's'})`).join(', ');
      lines.push(`    IndexedDB ${db.name} v${db.version}: ${stores || 'no stores'}`);
    }
  }
  const { headers } = i;
  if (Object.keys(headers.default).length + Object.keys(headers.origins).length + headers.rules.length > 0) lines.push('', 'headers');
  for (const [name, value] of Object.entries(headers.default)) lines.push(`  ${name}: ${value}`);
  for (const [origin, values] of Object.entries(headers.origins)) {
    for (const [name, value] of Object.entries(values)) lines.push(`  ${name}: ${value}  (only to ${origin})`);
  }
  for (const r of headers.rules) {
    lines.push(`  ${r.header}: ${r.template}  ({value} from ${describeRef(r.from)}; only to ${r.origins.join(', ')})`);
  }
  if (i.login) {
    const l = i.login;
    lines.push('', 'login', `  url ${l.url}`);
    if (l.steps > 0) lines.push(`  ${l.steps} steps`);
    if (l.recipe) lines.push(`  recipe ${l.recipe}`);
    if (l.probe) lines.push(`  probe ${l.probe.method} ${l.probe.url}`);
    if (l.env.length > 0) lines.push(`  environment variables: ${l.env.join(', ')}`);
  }
  if (i.tokens) {
    lines.push('', 'tokens');
    for (const j of i.tokens.jwts) {
      const where = 'header' in j.from ? `header ${j.from.header} (${j.from.origin})` : describeRef(j.from);
      lines.push(`  JWT in ${where}: ${j.exp === null ? 'no expiry' : `expires ${new Date(j.exp * 1000).toISOString()}`}`);
    }
    if (i.tokens.oauth) lines.push(`  OAuth refresh via ${i.tokens.oauth.tokenEndpoint}, refresh token in ${describeRef(i.tokens.oauth.refreshToken)}`);
  }
  return lines;
}

export function makeInspectCommand(): Command {
  return new Command('inspect')
    .description('Show what a session holds: cookies by domain with expiry, storage keys, headers, login')
    .argument('<name>', 'session name, or path to a session file')
    .option('--reveal', 'show cookie, storage and secret header values')
    .option('--json', 'machine-readable output (values redacted unless --reveal)')
    .addHelpText('after', '\nExamples:\n  sessionjar inspect github\n  sessionjar inspect ./state/session.json --json\n  sessionjar inspect github --reveal')
    .action(async (name: string, options: { reveal?: boolean; json?: boolean }, command: Command) => {
      const inspection = await inspectSession(storeFor(command), name, { reveal: options.reveal ?? false });
      if (options.json) printJson(inspection, options.reveal);
      else for (const line of formatInspection(inspection)) printLine(line, options.reveal);
    });
}
