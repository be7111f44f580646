import { SessionjarError } from '../../core/errors.js';
import type { Budget } from '../budget.js';
import { lowerKeys } from '../headers.js';
import { hopOf } from '../hop.js';
import type { LiveSession } from '../live-session.js';
import type { ReplayEvent, Timeouts } from '../options.js';
import { RedirectGuard, redirectMethod, redirectTarget, withoutContentHeaders } from '../redirects.js';
import type { Hop, HopSender, ReplayRequestOptions, ReplayResponse, RequestBody } from '../types.js';
import type { WriteBack } from '../write-back.js';
import type { RequestHeaders } from './request-headers.js';
import { toReplayResponse } from './response-body.js';
import { isResendable } from '../request-body.js';

/**
 * Follows redirects hop by hop: each hop's headers assembled anew (credentials dropped once the
 * chain leaves the origin asked for or goes https → http), sent through the next stage, its
 * Set-Cookie stored and a write-back scheduled. The rules are ../redirects.ts; this is the loop.
 *
 * @example
 * ```ts
 * const follow = new Follow(live, new RequestHeaders(live), retry, { maxRedirects: 10, timeouts, writer, emit });
 * const response = await follow.run(hop, 'GET', {}, budget);
 * ```
 */
export class Follow {
  constructor(
    private readonly live: LiveSession,
    private readonly assembly: RequestHeaders,
    private readonly next: HopSender,
    private readonly config: FollowConfig,
  ) {}

  async run(start: Hop, startMethod: string, options: ReplayRequestOptions, budget: Budget): Promise<ReplayResponse> {
    const { writer, emit } = this.config;
    let hop = start;
    let method = startMethod;
    let body: RequestBody = options.body ?? null;
    let callerHeaders = options.headers ? lowerKeys<string | null>(options.headers) : undefined;
    let crossed = false;
    let downgraded = false;
    let guard: RedirectGuard | undefined;
    // The URL a redirect came from; read (and so parsed, see hop.ts) only once there is one.
    let from: URL | undefined;
    const redirects: { url: string; status: number }[] = [];
    for (;;) {
      const { href } = hop;
      const headers = this.assembly.forHop(hop, crossed, downgraded, callerHeaders);
      // A loop is the same request with the same cookies again; one that set new cookies on the way
      // (an OIDC login: /profile → IdP → /callback → /profile) is progress, bounded by maxRedirects.
      if (guard && from) guard.visit(method, hop.url, headers.cookie, from);
      const res = await this.next.send(hop, method, headers, body, budget);
      const status = res.statusCode;
      const setCookie = res.headers['set-cookie'];
      if (setCookie !== undefined) this.storeCookies(setCookie, hop, callerHeaders?.cookie === null);
      if (writer && this.live.jar.hasChanges) writer.schedule();
      emit?.({ type: 'response', status, url: href, headers: res.headers as Record<string, string | string[]> });
      const location = res.headers.location;
      const target = options.redirect === 'manual' || location === undefined ? undefined : redirectTarget(status, location, hop.url);
      const nextMethod = target && redirectMethod(status, method);
      // A streamed body is gone once sent: the redirect that asks for it again goes to the caller.
      if (!target || !nextMethod || (nextMethod.keepBody && !isResendable(body))) return toReplayResponse(res, href, method, redirects, this.config.timeouts);
      await res.body.dump();
      if (options.redirect === 'error') {
        throw new SessionjarError('REDIRECT_ERROR', `${method} ${href} redirected (${status}) and redirect: 'error' was asked.`);
      }
      redirects.push({ url: href, status });
      const url = hop.url;
      guard ??= new RedirectGuard(this.config.maxRedirects, method, url, headers.cookie);
      guard.hop(target, url);
      from = url;
      if (!nextMethod.keepBody) {
        body = null;
        if (callerHeaders) callerHeaders = withoutContentHeaders(callerHeaders);
      }
      if (url.protocol === 'https:' && target.protocol === 'http:') downgraded = true;
      hop = hopOf(target);
      if (hop.origin !== start.origin) crossed = true;
      method = nextMethod.method;
    }
  }

  /**
   * Stores a hop's Set-Cookie, reporting refused cookies to `-v`. A request sent without the
   * session's cookies (`cookie: null`) is an anonymous visit: what it is given stays out of the session.
   */
  private storeCookies(setCookie: string | string[], hop: Hop, anonymous: boolean): void {
    const emit = this.config.emit;
    const refused = emit && ((name: string, reason: string) => emit({ type: 'cookie-refused', url: hop.href, name, reason }));
    if (!anonymous) return this.live.jar.storeSetCookies(setCookie, hop, refused);
    for (const value of typeof setCookie === 'string' ? [setCookie] : setCookie) {
      refused?.(value.slice(0, Math.max(0, value.indexOf('='))), "the request was sent without the session's cookies (cookie: null)");
    }
  }
}

export interface FollowConfig {
  maxRedirects: number;
  timeouts: Required<Timeouts>;
  writer: WriteBack | undefined;
  emit: ((event: ReplayEvent) => void) | undefined;
}
