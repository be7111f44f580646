import type { BrowserContext, Request, Response } from 'playwright-core';

/** One request the page sent, with the headers as they went on the wire (Cookie included). */
export interface SeenRequest {
  url: string;
  method: string;
  resourceType: string;
  headers: Record<string, string>;
  /** When it was seen (ms), to tell what a page sent before a password went out from what it sent after. */
  at?: number;
}

/** A token endpoint answer seen during the login (a POST with grant_type, or a JSON body with refresh_token). */
export interface TokenExchange {
  url: string;
  /** The request's grant_type: set only on a real OAuth token endpoint (a login API has none). */
  grantType?: string;
  clientId?: string;
  refreshToken?: string;
  accessToken?: string;
}

export interface WireLog {
  requests: SeenRequest[];
  tokenExchanges: TokenExchange[];
  /** Waits for header and body reads still in flight, so a capture sees the last request. */
  settle(): Promise<void>;
  stop(): void;
}

const MAX_REQUESTS = 5000;

/**
 * Watches every request and response of the context while a login runs: recording needs the
 * headers the page itself sent (User-Agent, Authorization, CSRF headers) and the token endpoint it
 * used, none of which a storage snapshot shows.
 */
export function watchWire(context: BrowserContext): WireLog {
  const requests: SeenRequest[] = [];
  const tokenExchanges: TokenExchange[] = [];
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const p = work.catch(() => undefined).finally(() => pending.delete(p));
    pending.add(p);
  };
  const onRequest = (request: Request) => {
    if (!/^https?:/.test(request.url()) || requests.length >= MAX_REQUESTS) return;
    const at = Date.now();
    track(
      request.allHeaders().then((headers) => {
        requests.push({ url: request.url(), method: request.method(), resourceType: request.resourceType(), headers, at });
      }),
    );
  };
  const onResponse = (response: Response) => {
    const request = response.request();
    if (request.method() !== 'POST') return;
    const form = parseBody(request.postData() ?? '');
    const json = /json/i.test(response.headers()['content-type'] ?? '');
    if (!form.grant_type && !json) return;
    track(
      (json ? response.json() : Promise.resolve(undefined)).then((body: unknown) => {
        const answer = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
        if (!form.grant_type && typeof answer.refresh_token !== 'string') return;
        const url = new URL(request.url());
        tokenExchanges.push({
          url: `${url.origin}${url.pathname}`,
          ...(form.grant_type ? { grantType: form.grant_type } : {}),
          ...(form.client_id ? { clientId: form.client_id } : {}),
          ...(typeof answer.refresh_token === 'string' ? { refreshToken: answer.refresh_token } : form.refresh_token ? { refreshToken: form.refresh_token } : {}),
          ...(typeof answer.access_token === 'string' ? { accessToken: answer.access_token } : {}),
        });
      }),
    );
  };
  context.on('request', onRequest);
  context.on('response', onResponse);
  return {
    requests,
    tokenExchanges,
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop() {
      context.off('request', onRequest);
      context.off('response', onResponse);
    },
  };
}

/** A form-encoded or JSON request body as flat string fields. */
export function parseBody(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    } catch {
      // not JSON: nothing to read
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}
