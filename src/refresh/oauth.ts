import { openSessionFrom } from '../replay/client.js';
import { jwtExpiry } from '../session/jwt.js';
import type { Session } from '../session/schema/index.js';
import { readStateRef, writeStateRef } from '../session/state-ref.js';
import type { Strategy } from './strategy.js';

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * (a) The refresh token the recording saw, traded at its token endpoint over plain HTTP
 * (RFC 6749 §6): no browser. The new access token (and a rotated refresh token) go back where the
 * recording found them, and any per-origin header that carried the old access token gets the new.
 */
export const oauthStrategy: Strategy = {
  id: 'oauth',
  title: 'OAuth refresh token',
  skip(session) {
    const oauth = session.tokens?.oauth;
    if (!oauth) return 'the recording saw no refresh token and token endpoint';
    if (!readStateRef(session, oauth.refreshToken)) return 'the refresh token is no longer in the session';
    return undefined;
  },
  async run(session, context) {
    const oauth = session.tokens?.oauth;
    const refreshToken = oauth && readStateRef(session, oauth.refreshToken);
    if (!oauth || !refreshToken) throw new Error('no refresh token');
    const client = await openSessionFrom(session, { ...context.client, readOnly: true, autoRefresh: false, refresher: undefined });
    try {
      context.log(`POST ${oauth.tokenEndpoint} (grant_type=refresh_token)`);
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
      if (oauth.clientId) form.set('client_id', oauth.clientId);
      const response = await client.request(oauth.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      });
      const text = await response.body.text();
      const answer = parseAnswer(text);
      if (response.status < 200 || response.status >= 300 || typeof answer?.access_token !== 'string') {
        const why = typeof answer?.error === 'string' ? ` (${answer.error}${typeof answer.error_description === 'string' ? `: ${answer.error_description}` : ''})` : '';
        throw new Error(`the token endpoint ${oauth.tokenEndpoint} answered ${response.status}${why}${response.status < 300 ? ' without an access_token' : ''}`);
      }
      const oldAccess = oauth.accessToken ? readStateRef(session, oauth.accessToken) : undefined;
      let next = client.session;
      if (oauth.accessToken) next = writeStateRef(next, oauth.accessToken, answer.access_token);
      if (typeof answer.refresh_token === 'string') next = writeStateRef(next, oauth.refreshToken, answer.refresh_token);
      return replaceHeaderTokens(next, oldAccess, answer.access_token);
    } finally {
      await client.close();
    }
  },
};

function parseAnswer(text: string): TokenAnswer | undefined {
  try {
    const doc: unknown = JSON.parse(text);
    return doc !== null && typeof doc === 'object' ? (doc as TokenAnswer) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Frozen per-origin headers holding the old access token get the new one; without a known old
 * token, the headers the recording marked as holding a JWT keep their scheme and take the new token.
 */
function replaceHeaderTokens(session: Session, oldAccess: string | undefined, access: string): Session {
  const marked = new Set((session.tokens?.jwts ?? []).flatMap((j) => ('header' in j.from ? [`${j.from.origin}\u0000${j.from.header}`] : [])));
  const origins = Object.fromEntries(
    Object.entries(session.headers.origins).map(([origin, headers]) => [
      origin,
      Object.fromEntries(
        Object.entries(headers).map(([name, value]) => {
          if (oldAccess && value.includes(oldAccess)) return [name, value.split(oldAccess).join(access)];
          if (!oldAccess && marked.has(`${origin}\u0000${name}`)) return [name, value.replace(/^([A-Za-z][\w-]* +)?.*$/, (_all, scheme: string | undefined) => `${scheme ?? ''}${access}`)];
          return [name, value];
        }),
      ),
    ]),
  );
  const next = { ...session, headers: { ...session.headers, origins } };
  return restampJwts(next);
}

/** Recorded JWT expiries follow the tokens now in the session. */
export function restampJwts(session: Session): Session {
  if (!session.tokens) return session;
  const jwts = session.tokens.jwts.map((j) => {
    const value = 'header' in j.from ? session.headers.origins[j.from.origin]?.[j.from.header] : readStateRef(session, j.from);
    const exp = value === undefined ? undefined : jwtExpiry(value);
    return exp === undefined ? j : { ...j, exp };
  });
  return { ...session, tokens: { ...session.tokens, jwts } };
}
