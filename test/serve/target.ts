import type { IncomingHttpHeaders } from 'node:http';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

/** What the target saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * The app behind the gateway: `/me` answers 200 to the `sid` cookie (401 without), and every
 * answer rotates a `rot` cookie and allows any web origin (`Access-Control-Allow-Origin: *`), as a
 * careless API does. `/redir` redirects to a page of its own, `/away` to another site.
 */
export interface Target extends TestServer {
  seen: Seen[];
  /** The last `rot` value handed out. */
  rotated(): number;
}

export async function startTarget(): Promise<Target> {
  const seen: Seen[] = [];
  let rot = 0;
  const server = await startHttpServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.setHeader('set-cookie', `rot=${++rot}; Path=/`);
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-credentials', 'true');
    const path = (req.url ?? '').split('?')[0];
    if (path === '/redir') {
      res.writeHead(302, { location: `${server.origin}/landed?from=redir` });
      return res.end();
    }
    if (path === '/away') {
      res.writeHead(302, { location: 'https://elsewhere.example/x' });
      return res.end();
    }
    const ok = /(^|;\s*)sid=/.test(req.headers.cookie ?? '');
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ user: ok ? 'u' : null, cookie: req.headers.cookie ?? null, ua: req.headers['user-agent'] ?? null }));
  });
  return Object.assign(server, { seen, rotated: () => rot });
}
