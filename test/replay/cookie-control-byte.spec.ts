import { expect, test } from '@playwright/test';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { openSessionFrom } from '../../src/replay/client.js';
import { SessionjarError } from '../../src/core/errors.js';
import { sessionWith } from './fixtures.js';

// Issue 16: a Set-Cookie with a control byte stops undici's parser, which then reported "Response
// body length does not match content-length header". undici's Client has no lenient parsing to
// keep such a response (as curl does, dropping the cookie), so the error must say what happened.

/** Answers each connection with `raw` exactly as given (Node's http server would refuse these bytes). */
async function rawServer(raw: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.once('data', () => socket.end(raw));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const answers = {
  'Content-Length before the cookie': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=b\x01c; Path=/\r\n\r\nok',
  'Content-Length after the cookie': 'HTTP/1.1 200 OK\r\nSet-Cookie: a=b\x7fc; Path=/\r\nContent-Length: 2\r\n\r\nok',
  'no Content-Length': 'HTTP/1.1 200 OK\r\nConnection: close\r\nSet-Cookie: sid=\x1b[31m; Path=/\r\n\r\nok',
};

for (const [name, raw] of Object.entries(answers)) {
  test(`a Set-Cookie with a control byte fails with an error that says so (${name})`, async () => {
    const server = await rawServer(raw);
    const session = await openSessionFrom(sessionWith([]));
    try {
      const error = await session.request(server.url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SessionjarError);
      expect((error as SessionjarError).code).toBe('NETWORK_ERROR');
      expect((error as Error).message).toContain(`GET ${server.url}: the response headers could not be read`);
      expect((error as Error).message).toContain('Set-Cookie with a control character');
      expect((error as Error).message).not.toContain('Response body length');
    } finally {
      await session.close();
      await server.close();
    }
  });
}

test('a body shorter than its Content-Length is not blamed on the headers', async () => {
  // undici reports this one with the same Content-Length mismatch error, once the head was read.
  const server = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\nSet-Cookie: a=b; Path=/\r\n\r\nok');
  const session = await openSessionFrom(sessionWith([]));
  try {
    const res = await session.request(server.url);
    const error = await res.body.text().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as SessionjarError).code).toBe('NETWORK_ERROR');
    expect((error as Error).message).toContain(`GET ${server.url}: Response body length does not match content-length header`);
    expect((error as Error).message).not.toContain('the response headers could not be read');
  } finally {
    await session.close();
    await server.close();
  }
});
