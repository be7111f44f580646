import { runRequest } from './commands/request.js';
import { closeStores, storeIn } from './context.js';
import { exitStatusFor, reportCrashes } from './output.js';
import type { RequestArgv } from './request-argv.js';

/**
 * `sessionjar request` when request-argv.ts could read its command line: the command's own action
 * and error report, without commander. scripts/build.mjs bundles this into one file of its own
 * (dist/request.cjs) holding only what a request needs.
 */
export async function runFastRequest({ dir, store, name, url, options }: RequestArgv): Promise<number> {
  reportCrashes(false, options.reveal === true);
  try {
    await runRequest(name, url, options, storeIn(dir, store));
    return Number(process.exitCode ?? 0);
  } catch (error) {
    return exitStatusFor(error, false, options.reveal === true);
  } finally {
    await closeStores();
  }
}
