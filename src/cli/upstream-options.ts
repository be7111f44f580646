import { readFile } from 'node:fs/promises';
import { SessionjarError } from '../core/errors.js';
import type { ClientOptions } from '../replay/options.js';

/** How `request`, `serve` and `exec` reach the target, as commander hands the options over. */
export interface UpstreamRaw {
  http2?: boolean;
  proxy?: string;
  trustEnv: boolean;
  cacert?: string;
  insecure?: boolean;
  readOnly?: boolean;
  refresh: boolean;
}

/**
 * The client options those flags ask for, the --cacert file read and checked.
 *
 * @example
 * ```ts
 * const client = await upstreamClientOptions({ trustEnv: true, refresh: true, cacert: 'dev-ca.pem' });
 * ```
 */
export async function upstreamClientOptions(raw: UpstreamRaw): Promise<ClientOptions> {
  const ca = raw.cacert === undefined ? undefined : await readCa(raw.cacert);
  return {
    http2: raw.http2 === true,
    trustEnv: raw.trustEnv,
    readOnly: raw.readOnly === true,
    autoRefresh: raw.refresh,
    ...(raw.proxy === undefined ? {} : { proxy: raw.proxy }),
    ...(ca === undefined ? {} : { ca }),
    ...(raw.insecure === true ? { rejectUnauthorized: false } : {}),
  };
}

async function readCa(file: string): Promise<Buffer> {
  let pem: Buffer;
  try {
    pem = await readFile(file);
  } catch (error) {
    throw new SessionjarError('INPUT_INVALID', `--cacert: cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SessionjarError('INPUT_INVALID', `--cacert: "${file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  }
  return pem;
}
