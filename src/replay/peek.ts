import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { withBodyMixin } from './decompress.js';

type Body = Dispatcher.ResponseData['body'];

/** Bodies longer than this are not looked at: a logged-out page is small, a download is not. */
export const PEEK_LIMIT = 256 * 1024;

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|xhtml)|application\/javascript)/i;

/**
 * Whether a body is worth reading for a logged-out check: text, JSON, HTML or XML (or untyped), not
 * announced as longer than {@link PEEK_LIMIT}.
 */
export function isPeekable(headers: Record<string, string | string[]>, status: number, method: string): boolean {
  if (method === 'HEAD' || status === 204 || status === 304) return false;
  const type = headers['content-type'];
  if (type !== undefined && !TEXTUAL.test(String(type))) return false;
  const length = Number(headers['content-length']);
  return !(length > PEEK_LIMIT);
}

/**
 * Reads up to {@link PEEK_LIMIT} bytes of a body, for a check that must see it, and gives back a body
 * that still yields every byte (with the same `.text()`/`.json()`/... helpers). `text` is undefined
 * when the body turned out longer than the limit; it then streams on as it came.
 *
 * @example
 * ```ts
 * const { text, body } = await peekBody(res.body);
 * res.body = body;
 * ```
 */
export async function peekBody(body: Body): Promise<{ text: string | undefined; body: Body }> {
  const source = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= PEEK_LIMIT) {
    const next = await source.next();
    if (next.done) {
      const whole = Buffer.concat(chunks);
      return { text: whole.toString('utf8'), body: withBodyMixin(Readable.from([whole], { objectMode: false })) };
    }
    chunks.push(next.value);
    size += next.value.length;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* chunks;
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  }
  const out = Readable.from(rest(), { objectMode: false });
  // A reader that stops early (dump(), destroy()) must free the connection the rest is still on.
  out.once('close', () => body.destroy());
  return { text: undefined, body: withBodyMixin(out) };
}
