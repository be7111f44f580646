import type { IncomingMessage } from 'node:http';

/** A request body kept whole when it is this small, so a logged-out answer can be resent after a refresh. */
export const KEEP_BODY_BYTES = 1024 * 1024;

/**
 * The caller's body as the client should send it: none; the bytes, when it ends within
 * `KEEP_BODY_BYTES` (so the request can be resent after a refresh); else the request itself, with
 * what was read put back in front of the rest: streamed, never held whole, and no chunk kept here.
 *
 * @example
 * ```ts
 * const body = await requestBody(req); // Buffer | IncomingMessage | null
 * ```
 */
export async function requestBody(req: IncomingMessage): Promise<Buffer | IncomingMessage | null> {
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] === undefined) return null;
  if (length !== undefined && Number(length) > KEEP_BODY_BYTES) return req;
  const { chunks, ended } = await readUpTo(req, KEEP_BODY_BYTES);
  if (ended) return Buffer.concat(chunks);
  // Not an async generator over the rest: it would hold the first MiB until the upload ends, and
  // its reads join the chunks waiting into new buffers.
  for (let i = chunks.length - 1; i >= 0; i--) req.unshift(chunks[i]);
  return req;
}

/** Reads until the body ends or passes `limit` bytes; the stream is left paused for the rest. */
function readUpTo(req: IncomingMessage, limit: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (ended: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve({ chunks, ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done(false);
      }
    };
    const onEnd = () => done(true);
    const onError = (error: Error) => {
      req.off('data', onData).off('end', onEnd);
      reject(error);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
