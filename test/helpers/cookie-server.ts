import { createServer } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A loopback server that records the Host and Cookie of every request. `/set` answers with the
 * Set-Cookie headers given to the server (for clients that write cookie jars, such as curl -c).
 */
export interface CookieServer {
  port: number;
  requests: { host: string; path: string; cookie: string | undefined }[];
  close(): Promise<void>;
}

export async function startCookieServer(setCookies: string[] = []): Promise<CookieServer> {
  const requests: CookieServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push({ host: req.headers.host ?? '', path: req.url ?? '/', cookie: req.headers.cookie });
    if (req.url === '/set') res.setHeader('set-cookie', setCookies);
    res.writeHead(req.headers.cookie || req.url === '/set' ? 200 : 401, { 'content-type': 'text/plain' });
    res.end(req.headers.cookie ? 'logged in\n' : 'no cookie\n');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `a=1; b=2` → sorted `['a=1', 'b=2']`: clients order cookies differently. */
export function cookiePairs(header: string | undefined): string[] {
  return (header ?? '').split(/;\s*/).filter(Boolean).sort();
}
