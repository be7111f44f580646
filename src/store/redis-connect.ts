import type { RedisClientType } from '@redis/client';
import { SessionjarError } from '../core/errors.js';

/** The node-redis client as the Redis store uses it: RESP2, no modules or scripts registered. */
export type RedisClient = RedisClientType<Record<string, never>, Record<string, never>, Record<string, never>, 2>;

export interface RedisConnectOptions {
  /** `redis://[user:pass@]host:port/db`, `rediss://…` (TLS) or `unix:///path/to/redis.sock?db=N`. */
  url: string;
  /** Give up connecting after this long (the first connection, and each reconnection). Default 5 s. */
  connectTimeoutMs?: number;
  /** A command not answered within this long fails (IO_ERROR). Default 5 s. */
  commandTimeoutMs?: number;
  /** Told about a Redis whose eviction policy could not be checked, and about lost connections. */
  onWarning?: (message: string) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/** Whether `text` names a Redis server (rather than a folder of session files). */
export function isRedisUrl(text: string): boolean {
  return /^(rediss?|unix):\/\//i.test(text);
}

/**
 * The URL without its password, for messages and `locate` (a password in a URL never reaches
 * output). Throws USAGE for a URL node-redis cannot use.
 */
export function displayRedisUrl(url: string): string {
  if (!isRedisUrl(url)) throw badUrl(url, 'it must start with redis://, rediss:// or unix://');
  if (/^unix:/i.test(url)) {
    const match = /^unix:\/\/(?:[^@/]*@)?(\/[^?#]+)(\?[^#]*)?$/i.exec(url);
    if (!match || match[1] === '/') throw badUrl(url, 'a socket URL is unix:///path/to/redis.sock, optionally with ?db=N');
    return `unix://${match[1]}${match[2] ?? ''}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, 'it is not a valid URL');
  }
  if (parsed.pathname.length > 1 && !/^\/\d+$/.test(parsed.pathname)) throw badUrl(url, 'the path must be a database number, like /0');
  parsed.password = '';
  parsed.username = '';
  return parsed.toString().replace(/\/$/, '');
}

/**
 * A connected client, or IO_ERROR naming the server when it cannot be reached within the connect
 * timeout. Once connected it reconnects by itself (backing off to 2 s); meanwhile commands wait at
 * most the command timeout. Checks that the server will not evict sessions or locks.
 */
export async function connectRedis(options: RedisConnectOptions): Promise<RedisClient> {
  const where = displayRedisUrl(options.url);
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const warn = options.onWarning ?? ((message) => process.emitWarning(message, 'SessionjarWarning'));
  const { createClient } = await import('@redis/client');
  let ready = false;
  let firstError: Error | undefined;
  const client = createClient({
    url: options.url,
    // Explicit, not the client's default: RESP2 is what every Redis (and every managed one) speaks.
    RESP: 2,
    socket: {
      connectTimeout,
      // Before the first connection: fail (connect() rejects); after it: keep trying, backing off.
      reconnectStrategy: (retries, cause) => (ready ? Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : cause),
    },
    // A command waiting to be sent, or for its reply, fails after this long. The store's writes
    // check afterwards whether a timed-out one landed (redis-store.ts).
    commandOptions: { timeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, rejectInFlight: true },
  }) as unknown as RedisClient;
  let warnedDown = false;
  client.on('error', (error: Error) => {
    firstError ??= error;
    if (ready && !warnedDown) {
      warnedDown = true;
      warn(`lost the connection to Redis at ${where} (${error.message}); reconnecting`);
    }
  });
  client.on('ready', () => {
    warnedDown = false;
  });
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw unreachable(where, firstError ?? error);
  }
  ready = true;
  try {
    await checkEvictionPolicy(client, where, warn);
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}

/**
 * Sessions and locks must never be evicted: a lost lock lets two logins run, a lost session is a
 * logged-out fleet. Managed services often refuse CONFIG: then a warning, since we cannot tell.
 */
async function checkEvictionPolicy(client: RedisClient, where: string, warn: (message: string) => void): Promise<void> {
  let reply: unknown;
  try {
    reply = await client.sendCommand(['CONFIG', 'GET', 'maxmemory-policy']);
  } catch (error) {
    if (!isErrorReply(error)) throw redisError(where, error);
    warn(`could not check the eviction policy of Redis at ${where} (${(error as Error).message}); make sure its maxmemory-policy is noeviction, or sessions and locks may be evicted`);
    return;
  }
  const policy = Array.isArray(reply) ? String(reply[1] ?? '') : '';
  if (policy === 'noeviction') return;
  throw new SessionjarError(
    'IO_ERROR',
    `Redis at ${where} has maxmemory-policy "${policy}": under memory pressure it may evict sessions and refresh locks, logging out the fleet or letting two logins run. Set it to noeviction (\`CONFIG SET maxmemory-policy noeviction\` and in redis.conf), or point --store at a Redis that has it.`,
    { details: { store: where, maxmemoryPolicy: policy } },
  );
}

/** A reply Redis itself sent as an error (a refused command), as opposed to a connection failure. */
export function isErrorReply(error: unknown): boolean {
  return error instanceof Error && (error.constructor.name === 'ErrorReply' || error.constructor.name === 'SimpleError');
}

/** Any other failure talking to Redis, as IO_ERROR naming the server. */
export function redisError(where: string, error: unknown): SessionjarError {
  if (error instanceof SessionjarError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SessionjarError('IO_ERROR', `Redis at ${where}: ${message || (error as Error).name}. Check that the server is up and reachable, then try again.`, {
    cause: error,
    details: { store: where },
  });
}

/** Node's codes for a TLS certificate it does not trust (a private CA, a self-signed or expired one, another name). */
const UNTRUSTED_CERTIFICATE = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)|CERT_(HAS_EXPIRED|NOT_YET_VALID|UNTRUSTED)|ERR_TLS_CERT_ALTNAME_INVALID)$/;

function unreachable(where: string, error: unknown): SessionjarError {
  const message = error instanceof Error ? error.message || error.name : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // The server answered, and refused what the URL asked of it on connecting (SELECT, AUTH): its reason is the cause.
  if (isErrorReply(error)) return new SessionjarError('IO_ERROR', `Redis at ${where} refused the connection: ${message}. ${refusalAdvice(message)}`, { cause: error, details: { store: where } });
  const advice = code !== undefined && UNTRUSTED_CERTIFICATE.test(code)
    ? 'Its TLS certificate is not trusted: give its CA to Node with NODE_EXTRA_CA_CERTS=/path/to/ca.pem, or check the host name in the --store URL.'
    : 'Check the --store URL (or $SESSIONJAR_STORE) and that redis-server is running there.';
  return new SessionjarError('IO_ERROR', `cannot connect to Redis at ${where} (${message}). ${advice}`, { cause: error, details: { store: where } });
}

function refusalAdvice(message: string): string {
  if (/DB index is out of range/i.test(message)) return 'The database number in the --store URL (or $SESSIONJAR_STORE) is beyond the server\'s `databases` setting (16 by default: 0 to 15); use one in range.';
  if (/WRONGPASS|NOAUTH|NOPERM|invalid (username|password)/i.test(message)) return 'Check the user and password in the --store URL (or $SESSIONJAR_STORE).';
  return 'Check the --store URL (or $SESSIONJAR_STORE).';
}

function badUrl(url: string, why: string): SessionjarError {
  const shown = url.replace(/\/\/[^@/]*@/, '//');
  return new SessionjarError(
    'USAGE',
    `invalid store "${shown}": ${why}. Use redis://host:6379/0, rediss://host:6380/0 or unix:///path/to/redis.sock?db=0 (or a folder path for session files).`,
    { details: { store: shown } },
  );
}
