import { openSessionFrom } from '../replay/client.js';
import type { ClientOptions } from '../replay/options.js';
import { loggedOutReason, type ObservedResponse } from '../session/logged-out.js';
import type { Login, Probe, Session } from '../session/schema/index.js';
import { getJsonPath } from '../session/json-path.js';

export interface ProbeResult {
  ok: boolean;
  method: string;
  url: string;
  status?: number;
  /** Why it failed, or what passed: `status 200`. */
  reason: string;
}

/** Why a probe answer does not show a logged-in session, or undefined when it does. */
export function probeFailure(probe: Probe, login: Login | undefined, response: ObservedResponse & { body: string }): string | undefined {
  const loggedOut = loggedOutReason(response, login);
  if (loggedOut) return `answered as logged out (${loggedOut})`;
  const statuses = probe.expect.status;
  const statusOk = statuses ? statuses.includes(response.status) : response.status >= 200 && response.status < 300;
  if (!statusOk) return `answered status ${response.status}, expected ${statuses ? statuses.join(' or ') : 'a 2xx'}`;
  if (probe.expect.bodyIncludes !== undefined && !response.body.includes(probe.expect.bodyIncludes)) {
    return `the body does not include "${probe.expect.bodyIncludes}"`;
  }
  if (probe.expect.jsonPath !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(response.body);
    } catch {
      return `the body is not JSON (expected "${probe.expect.jsonPath}" in it)`;
    }
    const value = getJsonPath(doc, probe.expect.jsonPath);
    if (value === undefined || value === null || value === '') return `the JSON body has no "${probe.expect.jsonPath}"`;
  }
  return undefined;
}

/**
 * Asks the server whether `session` is logged in: one request to the login block's probe, with the
 * session's cookies and headers, written nowhere. undefined when the session has no probe.
 */
export async function runProbe(session: Session, options: ClientOptions = {}): Promise<ProbeResult | undefined> {
  const probe = session.login?.probe;
  if (!probe) return undefined;
  const client = await openSessionFrom(session, { ...options, readOnly: true, autoRefresh: false, refresher: undefined, retries: 0 });
  try {
    const response = await client.request(probe.url, { method: probe.method });
    const body = await response.body.text();
    const reason = probeFailure(probe, session.login, { status: response.status, url: response.url, redirected: response.redirects.length > 0, body });
    return { ok: reason === undefined, method: probe.method, url: probe.url, status: response.status, reason: reason ?? `status ${response.status}` };
  } finally {
    await client.close();
  }
}
