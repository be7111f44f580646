import { scrubText } from '../core/redact.js';
import type { ReplayEvent } from '../replay/options.js';
import type { SessionStore } from '../store/types.js';
import type { RequestCliOptions, RequestIo } from './commands/request.js';
import { writeResponse } from './request-output.js';

/**
 * `sessionjar request --pool <prefix> <url>`: one request as the next ready account of the pool,
 * its answer judged and recorded in the pool's shared state. Every state change goes to stderr.
 */
export async function sendThroughPool(options: RequestCliOptions, store: SessionStore, io: RequestIo, onEvent?: (event: ReplayEvent) => void): Promise<void> {
  const { openPool } = await import('../pool/pool.js');
  const say = (line: string) => io.stderr.write(scrubText(`${line}\n`, options.reveal));
  const pool = await openPool(options.pool as string, {
    ...options.client,
    ...options.poolOptions,
    store,
    // One request, then gone: no connection to hear other processes' changes.
    remoteEvents: false,
    ...(onEvent ? { onEvent } : {}),
    refresh: {
      reveal: options.reveal,
      ...(options.marginSeconds === undefined ? {} : { marginSeconds: options.marginSeconds }),
      ...(options.verbose ? { onStatus: (line: string) => say(`* refresh: ${line}`) } : {}),
    },
    onState: (c) => say(`sessionjar: pool ${options.pool}: ${c.name} ${c.from} → ${c.to}${c.until === undefined ? '' : ` until ${new Date(c.until).toISOString()}`} (${c.reason})`),
  });
  try {
    const res = await pool.request(options.url, { method: options.method, headers: options.headers, ...(options.body === undefined ? {} : { body: options.body }) });
    if (options.verbose) say(`* pool ${options.pool}: sent as ${res.session}`);
    await writeResponse(res, options, io);
  } finally {
    await pool.close();
  }
}
