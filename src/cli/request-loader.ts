import type * as RequestFast from './request-fast.js';

/**
 * Loads the plain-request path. In dist/cli.js, scripts/build.mjs replaces this module: there the
 * path is its own CommonJS bundle, dist/request.cjs, loaded with V8's code cache (code-cache.ts).
 * Anywhere else (a test's bundle of bin.ts, the tsc build) it is an ordinary import.
 */
export function loadRequestPath(): Promise<typeof RequestFast> {
  return import('./request-fast.js');
}
