import { isSecretHeader } from '../core/redact.js';
import { isPathSegment } from '../session/json-path.js';
import { decodeJwtPayload, jwtExpiry, looksLikeJwt } from '../session/jwt.js';
import type { HeaderRule, JwtInfo, Session, StateRef, Tokens } from '../session/schema/index.js';
import { readStateRef } from '../session/state-ref.js';
import type { SeenRequest, TokenExchange } from './wire.js';

/**
 * Turns what the page sent into header entries of the session file. A credential header whose value
 * can be found in the captured state becomes a rule (the replay client reads the current value per
 * request, so a refreshed token is picked up); anything else is kept as a copy bound to its origin.
 * Pure: tested without a browser.
 */

/** Headers never copied: the cookie jar owns Cookie, and a proxy's credentials are not the site's. */
const NOT_CAPTURED = new Set(['cookie', 'set-cookie', 'proxy-authorization', 'host', 'content-length']);

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return !lower.startsWith(':') && !NOT_CAPTURED.has(lower) && isSecretHeader(lower);
}

const ACRONYMS = new Map([['csrf', 'CSRF'], ['xsrf', 'XSRF'], ['api', 'API'], ['id', 'ID']]);

/** `x-csrf-token` → `X-CSRF-Token`, as people write them. */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => ACRONYMS.get(part) ?? part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

/** Dot path to the first string equal to `needle` inside parsed JSON, e.g. `auth.access_token`. */
export function findJsonPath(value: unknown, needle: string, prefix = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (!isPathSegment(key)) continue; // not addressable by a dot path
    const path = prefix ? `${prefix}.${key}` : key;
    if (child === needle) return path;
    const inner = findJsonPath(child, needle, path);
    if (inner) return inner;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Where in the session `value` is kept now: a storage key, a field of JSON stored there, or a cookie.
 * Storage of `preferOrigin` is searched first. Only refs that read back the exact value are returned.
 */
export function findStateRef(session: Session, value: string, preferOrigin?: string): StateRef | undefined {
  if (value === '') return undefined;
  const candidates: StateRef[] = [];
  const origins = [...session.origins].sort((a, b) => Number(b.origin === preferOrigin) - Number(a.origin === preferOrigin));
  for (const o of origins) {
    for (const storage of ['localStorage', 'sessionStorage'] as const) {
      for (const [key, raw] of Object.entries(o[storage])) {
        if (raw === value) candidates.push({ storage, origin: o.origin, key });
        const jsonPath = findJsonPath(parseJson(raw), value);
        if (jsonPath) candidates.push({ storage, origin: o.origin, key, jsonPath });
      }
    }
  }
  for (const c of session.cookies) {
    if (c.value === value || safeDecode(c.value) === value) candidates.push({ cookie: c.name, domain: c.domain, path: c.path });
  }
  return candidates.find((ref) => readStateRef(session, ref) === value);
}

/** The header's value as a template and the part a ref must supply: `Bearer x` → `Bearer {value}`, `x`. */
function templatesOf(value: string): { template: string; token: string }[] {
  const out = [{ template: '{value}', token: value }];
  const m = /^([A-Za-z][\w-]*) +(\S+)$/.exec(value);
  if (m) out.push({ template: `${m[1]} {value}`, token: m[2] ?? '' });
  return out;
}

export interface DerivedHeaders {
  default: Record<string, string>;
  origins: Record<string, Record<string, string>>;
  rules: HeaderRule[];
}

/**
 * User-Agent and Accept-Language from the first page load, and every credential header the page
 * sent, by origin (the last value sent wins), as a rule when the state holds its value.
 */
export function deriveHeaders(session: Session, requests: SeenRequest[]): DerivedHeaders {
  const defaults: Record<string, string> = {};
  const first = requests.find((r) => r.resourceType === 'document' && r.headers['user-agent']) ?? requests.find((r) => r.headers['user-agent']);
  if (first?.headers['user-agent']) defaults['User-Agent'] = first.headers['user-agent'];
  if (first?.headers['accept-language']) defaults['Accept-Language'] = first.headers['accept-language'];

  const sent = new Map<string, Map<string, string>>();
  for (const r of requests) {
    const origin = new URL(r.url).origin;
    for (const [name, value] of Object.entries(r.headers)) {
      if (!isCredentialHeader(name) || value === '') continue;
      if (!sent.has(origin)) sent.set(origin, new Map());
      sent.get(origin)?.set(canonicalHeaderName(name), value);
    }
  }
  const origins: Record<string, Record<string, string>> = {};
  const rules: HeaderRule[] = [];
  for (const [origin, headers] of sent) {
    for (const [header, value] of headers) {
      const rule = templatesOf(value)
        .map(({ template, token }) => ({ template, from: findStateRef(session, token, origin) }))
        .find((c) => c.from !== undefined);
      if (rule?.from) {
        const same = rules.find((r) => r.header === header && r.template === rule.template && JSON.stringify(r.from) === JSON.stringify(rule.from));
        if (same) same.origins.push(origin);
        else rules.push({ header, from: rule.from, template: rule.template, origins: [origin] });
      } else {
        (origins[origin] ??= {})[header] = value;
      }
    }
  }
  return { default: defaults, origins, rules };
}

function stringsIn(value: unknown, visit: (text: string, path: string) => void, prefix = ''): void {
  if (typeof value === 'string') visit(value, prefix);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (isPathSegment(key)) stringsIn(child, visit, prefix ? `${prefix}.${key}` : key);
    }
  }
}

/**
 * JWTs in storage (whole values or JSON fields), cookies and the frozen per-origin headers, each
 * once, with its `exp`; and the OAuth token endpoint with where its refresh token is kept. The
 * endpoint is the one the page POSTed a grant_type to, else the recipe's `tokenEndpoint` (a JSON
 * login API hands out a refresh token but does not take one back); the refresh token is the newest
 * one any answer carried that can be found in the state.
 */
export function findTokens(
  session: Session,
  frozen: Record<string, Record<string, string>>,
  exchanges: TokenExchange[],
  declaredEndpoint?: string,
): Tokens | undefined {
  const seen = new Set<string>();
  const jwts: JwtInfo[] = [];
  const add = (token: string, from: JwtInfo['from']) => {
    // The shape alone is not enough: "a.b.c" is common; the payload must decode to a JSON object.
    if (seen.has(token) || !looksLikeJwt(token) || !decodeJwtPayload(token)) return;
    seen.add(token);
    jwts.push({ from, exp: jwtExpiry(token) ?? null });
  };
  for (const o of session.origins) {
    for (const storage of ['localStorage', 'sessionStorage'] as const) {
      for (const [key, raw] of Object.entries(o[storage])) {
        if (!raw.includes(' ')) add(raw, { storage, origin: o.origin, key });
        stringsIn(parseJson(raw), (text, jsonPath) => add(text, { storage, origin: o.origin, key, jsonPath }));
      }
    }
  }
  for (const c of session.cookies) add(c.value, { cookie: c.name, domain: c.domain, path: c.path });
  for (const [origin, headers] of Object.entries(frozen)) {
    for (const [header, value] of Object.entries(headers)) add(value.replace(/^[A-Za-z][\w-]* +/, ''), { header, origin });
  }

  let oauth: Tokens['oauth'];
  const tokenEndpoint = [...exchanges].reverse().find((e) => e.grantType)?.url ?? declaredEndpoint;
  for (const exchange of [...exchanges].reverse()) {
    const refreshToken = exchange.refreshToken ? findStateRef(session, exchange.refreshToken) : undefined;
    if (!refreshToken || !tokenEndpoint) continue;
    const accessToken = exchange.accessToken ? findStateRef(session, exchange.accessToken) : undefined;
    const clientId = exchange.clientId ?? exchanges.find((e) => e.clientId)?.clientId;
    oauth = { tokenEndpoint, refreshToken, ...(accessToken ? { accessToken } : {}), ...(clientId ? { clientId } : {}) };
    break;
  }
  if (jwts.length === 0 && !oauth) return undefined;
  return { jwts, ...(oauth ? { oauth } : {}) };
}
