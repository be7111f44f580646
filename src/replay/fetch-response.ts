import type { ReplayResponse } from './types.js';

type Body = ReplayResponse['body'];

/** Statuses whose response has no body by definition (Fetch "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The client's response as a real `Response` with the final `url` and `redirected`, as fetch
 * returns. A HEAD or null-body status answer has a null body and frees its connection at once.
 */
export function toFetchResponse(response: ReplayResponse, method: string): Response {
  const empty = method === 'HEAD' || NULL_BODY.has(response.status);
  if (empty) response.body.resume();
  SessionResponse ??= sessionResponseClass();
  return new SessionResponse(response, empty ? null : response.body);
}

// Node loads its whole fetch (with node:http2, node:tls and worker threads) the first time anything
// touches the `Response` global: the class is made on the first fetch(), not when a plain
// `sessionjar request` loads this module.
let SessionResponse: ReturnType<typeof sessionResponseClass> | undefined;

function sessionResponseClass() {
  /**
   * A `Response` that costs what the caller uses. Node 20's Response over a stream costs 20–45 µs
   * before a byte is read, more than the rest of a request: here the plain reads (`text()`, `json()`,
   * `arrayBuffer()`, `bytes()`) read undici's body directly, `headers` are built when first asked
   * for, and only `body`, `blob()`, `formData()` and `clone()` build a real Response over the body,
   * which then answers for it, with fetch's own checks and errors. The constructor's Response has a
   * null body: `Response.prototype.text.call(res)` and the like read that, not this one's body.
   */
  return class SessionResponse extends Response {
    readonly #response: ReplayResponse;
    /** undici's body; null when there is none (HEAD, a null-body status, a clone). */
    readonly #source: Body | null;
    /** The source was read by a plain read. */
    #used = false;
    #headers: Headers | undefined;
    #full: Response | undefined;

    constructor(response: ReplayResponse, source: Body | null) {
      super(null, { status: response.status, statusText: response.statusText ?? '' });
      this.#response = response;
      this.#source = source;
    }

    override get url(): string {
      return this.#response.url;
    }

    override get redirected(): boolean {
      return this.#response.redirects.length > 0;
    }

    override get headers(): Headers {
      return (this.#headers ??= fetchHeaders(this.#response.headers));
    }

    override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
      return this.#real().body;
    }

    override get bodyUsed(): boolean {
      return this.#full === undefined ? this.#used : this.#full.bodyUsed;
    }

    override text(): Promise<string> {
      const source = this.#take();
      return source ? source.text() : this.#real().text();
    }

    override json(): Promise<unknown> {
      const source = this.#take();
      return source ? source.json() : this.#real().json();
    }

    override arrayBuffer(): Promise<ArrayBuffer> {
      const source = this.#take();
      return source ? source.arrayBuffer() : this.#real().arrayBuffer();
    }

    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      const source = this.#take();
      return source ? (source.bytes() as Promise<Uint8Array<ArrayBuffer>>) : this.#real().bytes();
    }

    override blob(): Promise<Blob> {
      return this.#real().blob();
    }

    override formData(): Promise<FormData> {
      return this.#real().formData();
    }

    override clone(): Response {
      const copy = new SessionResponse(this.#response, null);
      copy.#full = this.#real().clone();
      return copy;
    }

    /** undici's body for a plain read, once; undefined when the real Response must answer. */
    #take(): Body | undefined {
      if (this.#full !== undefined || this.#source === null || this.#used) return undefined;
      this.#used = true;
      return this.#source;
    }

    /** The real Response over this one's body, built on first need. */
    #real(): Response {
      if (this.#full === undefined) {
        const init = { headers: this.headers };
        if (this.#used) {
          // Read already: a body as used as fetch leaves it, so a second read fails as fetch's does.
          this.#full = new Response(new Uint8Array(0), init);
          void this.#full.arrayBuffer();
        } else {
          // Node's Response takes an async iterable (a Readable) as body; the DOM typings do not say so.
          this.#full = new Response(this.#source as unknown as BodyInit | null, init);
        }
      }
      return this.#full;
    }
  };
}

/** The client's headers as fetch's, each of several Set-Cookie values on its own. */
function fetchHeaders(raw: ReplayResponse['headers']): Headers {
  const headers = new Headers();
  for (const name of Object.keys(raw)) {
    const value = raw[name] as string | string[];
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.append(name, value);
  }
  return headers;
}
