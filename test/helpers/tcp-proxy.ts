import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  /** `127.0.0.1:<port>` it listens on. */
  port: number;
  /** Drops every connection through it and refuses (resets) new ones until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback to a unix socket (a test's redis-server): the network between one
 * worker and Redis, which a test can cut and restore.
 */
export async function startTcpProxy(targetSocket: string): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) return void client.resetAndDestroy();
    const upstream = connect({ path: targetSocket });
    open.add(client).add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const cutAll = () => {
    cut = true;
    // A reset (RST) for the worker's TCP side, as a dropped network gives; the unix side just closes.
    for (const socket of open) if (socket.remoteAddress) socket.resetAndDestroy(); else socket.destroy();
    open.clear();
  };
  return {
    port,
    cut: cutAll,
    restore: () => void (cut = false),
    close: () => {
      cutAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
