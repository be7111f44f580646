import { Blob } from 'node:buffer';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Dispatcher } from 'undici';

type Body = Dispatcher.ResponseData['body'];

// node:zlib on the first encoded body: loading it costs a cold `sessionjar request` milliseconds.
const zlib = () => process.getBuiltinModule('node:zlib');
const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib().createGunzip(),
  'x-gzip': () => zlib().createGunzip(),
  deflate: () => zlib().createInflate(),
  br: () => zlib().createBrotliDecompress(),
};

/** Statuses and methods whose response has no body to decode. */
function hasBody(status: number, method: string): boolean {
  return method !== 'HEAD' && status !== 204 && status !== 304 && status >= 200;
}

/**
 * The body decoded as fetch decodes it (gzip, deflate, br, in the order the Content-Encoding lists
 * them); the body itself when it is not encoded or uses an encoding fetch leaves alone. The decoded
 * stream gets the same `.text()`/`.json()`/`.arrayBuffer()`/`.bytes()`/`.blob()`/`.dump()` as
 * undici's body.
 *
 * @example
 * ```ts
 * const body = decodeBody(res.body, res.headers['content-encoding'], res.statusCode, 'GET');
 * ```
 */
export function decodeBody(body: Body, contentEncoding: string | string[] | undefined, status: number, method: string): Body {
  if (contentEncoding === undefined || !hasBody(status, method)) return body;
  const codings = String(contentEncoding).toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0 || codings.length > 5 || codings.some((c) => !(c in DECODERS))) return body;
  const decoders = codings.reverse().map((c) => (DECODERS[c] as () => Transform)());
  const out = (pipeline as (...streams: unknown[]) => Readable)(body, ...decoders, () => {});
  return withBodyMixin(out);
}

/** A stream with undici's body helpers (`.text()`, `.json()`, `.dump()`...), for bodies sessionjar rebuilds. */
export function withBodyMixin(stream: Readable): Body {
  const bytes = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  // As undici's body and fetch do, a leading UTF-8 byte order mark is not part of the text.
  const text = async (): Promise<string> => {
    const buffer = await bytes();
    return buffer.toString('utf8', buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0);
  };
  const mixin = {
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: async () => {
      const buffer = await bytes();
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    },
    bytes: async () => new Uint8Array(await bytes()),
    blob: async () => new Blob([await bytes()]),
    dump: async () => {
      stream.resume();
      await finished(stream).catch(() => undefined);
    },
  };
  return Object.assign(stream, mixin) as unknown as Body;
}
