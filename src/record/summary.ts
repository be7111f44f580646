import type { JwtInfo, Session, StateRef } from '../session/schema/index.js';

/** What a recording captured, for people (formatSummary) and machines (`--json`). No values. */
export interface RecordSummary {
  name: string;
  location: string;
  cookies: { domain: string; count: number; names: string[] }[];
  /** The cookie that stops working first (all of them were set during the login). */
  earliestCookieExpiry: { name: string; domain: string; expires: number } | null;
  storage: { origin: string; localStorage: number; sessionStorage: number; indexedDB: number }[];
  tokens: { where: string; exp: number | null }[];
  oauth?: { tokenEndpoint: string; refreshToken: string };
  headers: { header: string; origins: string[]; from?: string }[];
  userAgent?: string;
}

/** `localStorage "auth" → access_token (http://app)`, `cookie "sid" (example.com)`, `header Authorization (https://api)`. */
export function describeRef(ref: StateRef | { header: string; origin: string }): string {
  if ('header' in ref) return `header ${ref.header} (${ref.origin})`;
  if ('cookie' in ref) return `cookie "${ref.cookie}"${ref.domain ? ` (${ref.domain})` : ''}`;
  return `${ref.storage} "${ref.key}"${ref.jsonPath ? ` → ${ref.jsonPath}` : ''} (${ref.origin})`;
}

export function summarize(session: Session, location: string): RecordSummary {
  const byDomain = new Map<string, string[]>();
  for (const c of session.cookies) byDomain.set(c.domain, [...(byDomain.get(c.domain) ?? []), c.name]);
  const expiring = session.cookies
    .filter((c): c is typeof c & { expires: number } => c.expires !== null)
    .sort((a, b) => a.expires - b.expires)[0];
  const headers: RecordSummary['headers'] = [];
  for (const [origin, set] of Object.entries(session.headers.origins)) {
    for (const header of Object.keys(set)) {
      const same = headers.find((h) => h.header === header && h.from === undefined);
      if (same) same.origins.push(origin);
      else headers.push({ header, origins: [origin] });
    }
  }
  for (const rule of session.headers.rules) {
    headers.push({ header: rule.header, origins: rule.origins, from: `${rule.template.replace('{value}', describeRef(rule.from))}` });
  }
  const oauth = session.tokens?.oauth;
  return {
    name: session.name,
    location,
    cookies: [...byDomain].map(([domain, names]) => ({ domain, count: names.length, names })),
    earliestCookieExpiry: expiring ? { name: expiring.name, domain: expiring.domain, expires: expiring.expires } : null,
    storage: session.origins.map((o) => ({
      origin: o.origin,
      localStorage: Object.keys(o.localStorage).length,
      sessionStorage: Object.keys(o.sessionStorage).length,
      indexedDB: o.indexedDB?.length ?? 0,
    })),
    tokens: (session.tokens?.jwts ?? []).map((t: JwtInfo) => ({ where: describeRef(t.from), exp: t.exp })),
    ...(oauth ? { oauth: { tokenEndpoint: oauth.tokenEndpoint, refreshToken: describeRef(oauth.refreshToken) } } : {}),
    headers,
    ...(session.headers.default['User-Agent'] ? { userAgent: session.headers.default['User-Agent'] } : {}),
  };
}

function when(unixSeconds: number, now: number): string {
  const seconds = Math.round(unixSeconds - now / 1000);
  const left = seconds < 0 ? 'already expired' : seconds < 5400 ? `in ${Math.round(seconds / 60)} min` : seconds < 172800 ? `in ${Math.round(seconds / 3600)} h` : `in ${Math.round(seconds / 86400)} days`;
  return `${new Date(unixSeconds * 1000).toISOString()} (${left})`;
}

/** The human summary printed after `sessionjar record`. */
export function formatSummary(s: RecordSummary, now = Date.now()): string {
  const lines = [`✔ recorded session "${s.name}" → ${s.location}`];
  const cookieCount = s.cookies.reduce((n, c) => n + c.count, 0);
  lines.push(`  cookies: ${cookieCount}${s.cookies.length ? ` (${s.cookies.map((c) => `${c.domain}: ${c.names.join(', ')}`).join('; ')})` : ''}`);
  lines.push(`  earliest cookie expiry: ${s.earliestCookieExpiry ? `${s.earliestCookieExpiry.name} (${s.earliestCookieExpiry.domain}) ${when(s.earliestCookieExpiry.expires, now)}` : 'none (session cookies only)'}`);
  for (const o of s.storage) {
    const parts = [o.localStorage && `${o.localStorage} localStorage`, o.sessionStorage && `${o.sessionStorage} sessionStorage`, o.indexedDB && `${o.indexedDB} IndexedDB`].filter(Boolean);
    if (parts.length) lines.push(`  storage ${o.origin}: ${parts.join(', ')}`);
  }
  for (const t of s.tokens) lines.push(`  JWT in ${t.where}: ${t.exp === null ? 'no expiry' : `expires ${when(t.exp, now)}`}`);
  if (s.oauth) lines.push(`  OAuth token endpoint ${s.oauth.tokenEndpoint}, refresh token in ${s.oauth.refreshToken}`);
  for (const h of s.headers) lines.push(`  header ${h.header} → ${h.origins.join(', ')}${h.from ? ` = ${h.from}` : ' (recorded value)'}`);
  if (s.headers.length === 0) lines.push('  headers: no credential headers seen');
  return lines.join('\n');
}
