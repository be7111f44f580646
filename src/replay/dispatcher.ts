import { Agent, Client, Dispatcher, EnvHttpProxyAgent, Pool, ProxyAgent } from 'undici';
import { SessionjarError } from '../core/errors.js';
import type { ClientOptions, ResolvedOptions } from './options.js';

/** undici's default cap of concurrent HTTP/2 streams; pipelining this deep lets one connection multiplex. */
const H2_STREAMS = 100;

/**
 * The one dispatcher of a client: a keep-alive pool per origin (undici's Agent), HTTP/2 by ALPN when
 * asked, a proxy when given or found in the environment.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ http2: true }, resolveOptions({ http2: true }));
 * ```
 */
export function createDispatcher(options: ClientOptions, { timeouts, maxResponseHeaderBytes }: ResolvedOptions): Dispatcher {
  const tls = {
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
  };
  const agentOptions: Agent.Options = {
    connect: { timeout: timeouts.connect, ...tls },
    headersTimeout: timeouts.headers,
    bodyTimeout: timeouts.body,
    // undici's default is Node's 16 KiB, which real sign-ins pass (see ClientOptions).
    maxHeaderSize: maxResponseHeaderBytes,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    // HTTP/2 only over TLS (ALPN). Plain-http origins keep HTTP/1.1 without pipelining: pipelining
    // HTTP/1.1 trades head-of-line blocking for little and some servers mishandle it.
    factory: (origin, opts) => {
      const h2 = options.http2 === true && String(origin).startsWith('https:');
      if (!h2) return new Pool(origin, opts);
      // One connection unless told otherwise: while the first one is still negotiating ALPN, a
      // pool would otherwise open another per concurrent request and never multiplex. One is a
      // Client of its own, as undici's Agent makes it: a pool of one costs a layer per request.
      const connections = options.connections ?? 1;
      const h2opts = { ...opts, allowH2: true, pipelining: H2_STREAMS };
      return connections === 1 ? new Client(origin, h2opts) : new Pool(origin, { ...h2opts, connections });
    },
  };
  const proxy = options.proxy ?? (options.trustEnv === false ? undefined : null);
  // No interceptors (compose): each one re-encodes and re-parses the response headers of the
  // request() API, which cost more than the whole cookie path. Decompression and error mapping
  // are done by the client on the response instead.
  if (typeof proxy === 'string') {
    return new ProxyAgent({ ...agentOptions, uri: checkProxy(proxy, 'proxy'), requestTls: { ...tls, timeout: timeouts.connect } });
  }
  if (proxy === null && hasEnvProxy(options.env ?? process.env)) {
    return envProxyAgent(options.env ?? process.env, agentOptions, tls, timeouts.connect);
  }
  return new Agent(agentOptions);
}

/** Both spellings, lower case first, as curl and httpx read them. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value === undefined || value === '' ? undefined : value;
}

function hasEnvProxy(env: NodeJS.ProcessEnv): boolean {
  return ['http_proxy', 'https_proxy', 'all_proxy'].some((name) => envValue(env, name) !== undefined);
}

function envProxyAgent(env: NodeJS.ProcessEnv, agentOptions: Agent.Options, tls: object, connectTimeout: number): Dispatcher {
  const all = envValue(env, 'all_proxy');
  const httpProxy = envValue(env, 'http_proxy') ?? all;
  const httpsProxy = envValue(env, 'https_proxy') ?? all;
  const proxied = new EnvHttpProxyAgent({
    ...agentOptions,
    // '' (not undefined) so undici does not fall back to process.env behind the caller's `env`.
    httpProxy: httpProxy === undefined ? '' : checkProxy(httpProxy, 'HTTP_PROXY'),
    httpsProxy: httpsProxy === undefined ? '' : checkProxy(httpsProxy, 'HTTPS_PROXY'),
    noProxy: envValue(env, 'no_proxy') ?? '',
    requestTls: { ...tls, timeout: connectTimeout },
  } as EnvHttpProxyAgent.Options);
  // undici sends https through HTTP_PROXY when HTTPS_PROXY is unset; curl and httpx go direct.
  return httpsProxy === undefined && httpProxy !== undefined ? new ByScheme(proxied, new Agent(agentOptions)) : proxied;
}

/** http: origins to one dispatcher, https: origins to another. */
class ByScheme extends Dispatcher {
  constructor(
    private readonly http: Dispatcher,
    private readonly https: Dispatcher,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return (String(options.origin).startsWith('https:') ? this.https : this.http).dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all([this.http.close(), this.https.close()]).then(() => undefined);
    if (!callback) return done;
    void done.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(first?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof first === 'function' ? null : (first ?? null);
    const done = Promise.all([this.http.destroy(error), this.https.destroy(error)]).then(() => undefined);
    const cb = typeof first === 'function' ? first : callback;
    if (!cb) return done;
    void done.then(cb);
  }
}

function checkProxy(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: a proxy URL may carry a password.
    throw new SessionjarError('USAGE', `${source} is not a valid URL; give one like http://proxy.example:3128.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SessionjarError('USAGE', `${source}: only http:// and https:// proxies are supported, not ${parsed.protocol}//.`);
  }
  return url;
}
