import { CookieJar } from 'tough-cookie';

/**
 * fetch as a browser navigates: a cookie jar applied on every redirect hop (fetch's own redirect
 * following drops intermediate Set-Cookie headers) and the list of hops for assertions.
 */
export interface Hop {
  url: string;
  status: number;
  location?: string;
}

export class BrowserLikeFetch {
  readonly jar = new CookieJar();
  hops: Hop[] = [];

  async fetch(url: string, init: RequestInit & { follow?: boolean } = {}): Promise<Response> {
    this.hops = [];
    let current = url;
    let request: RequestInit = init;
    for (let i = 0; i < 10; i++) {
      const headers = new Headers(request.headers);
      const cookie = await this.jar.getCookieString(current);
      if (cookie) headers.set('cookie', cookie);
      const res = await fetch(current, { ...request, headers, redirect: 'manual' });
      for (const line of res.headers.getSetCookie()) await this.jar.setCookie(line, current);
      const location = res.headers.get('location');
      this.hops.push({ url: current, status: res.status, ...(location ? { location } : {}) });
      if (init.follow === false || !location || res.status < 300 || res.status > 399) return res;
      await res.body?.cancel();
      current = new URL(location, current).href;
      // 303 (and 302 after a POST, as browsers do) turns into a GET without a body.
      request = { method: 'GET', headers: init.headers ?? {} };
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }

  async cookie(url: string, name: string): Promise<string | undefined> {
    return (await this.jar.getCookies(url)).find((c) => c.key === name)?.value;
  }
}
