import type { Session } from '../../src/session/schema/index.js';
import { readStateRef } from '../../src/session/state-ref.js';

/**
 * The headers a session file says to send to `url`, computed straight from the file: the test's
 * independent check that a recording is usable over plain HTTP with no browser.
 */
export function headersFromFile(session: Session, url: string): Record<string, string> {
  const target = new URL(url);
  const cookies = session.cookies.filter((c) => {
    const host = target.hostname;
    const domainOk = c.hostOnly ? host === c.domain : host === c.domain || host.endsWith(`.${c.domain}`);
    return domainOk && target.pathname.startsWith(c.path) && (!c.secure || target.protocol === 'https:' || host === '127.0.0.1' || host === 'localhost');
  });
  const headers: Record<string, string> = { ...session.headers.default, ...session.headers.origins[target.origin] };
  for (const rule of session.headers.rules) {
    if (!rule.origins.includes(target.origin)) continue;
    const value = readStateRef(session, rule.from);
    if (value !== undefined) headers[rule.header] = rule.template.replace('{value}', value);
  }
  if (cookies.length > 0) headers.Cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return headers;
}

export function fetchWithFile(session: Session, url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, redirect: 'manual', headers: { Accept: 'application/json', ...headersFromFile(session, url), ...(init.headers as Record<string, string>) } });
}
