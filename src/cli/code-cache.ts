import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

/**
 * Loads a CommonJS bundle as `require` would (one without import(): this runs it without an ESM
 * loader), but with V8's code cache for it (`<file>.cache`,
 * written by the build with {@link writeCodeCache}): V8 then skips compiling most of the bundle.
 * The cache is used only for the bundle it was made from (it starts with the bundle's CRC-32, as
 * Node's own compile cache keys on; V8 itself checks only the length); one V8 cannot use (another
 * Node, other V8 flags) it rejects, and the bundle compiles as usual.
 */
export function requireCached(file: string): unknown {
  const source = readFileSync(file);
  let cachedData: Buffer | undefined;
  try {
    const cache = readFileSync(`${file}.cache`);
    if (cache.subarray(0, DIGEST_BYTES).equals(digest(source))) cachedData = cache.subarray(DIGEST_BYTES);
  } catch {
    // No cache: compile.
  }
  return compile(file, source.toString('utf8'), cachedData).run();
}

/**
 * Writes the code cache for `file`, after running the bundle's top level and then `exercise` with
 * its exports: V8 caches every function compiled by then, so a run that does what `exercise` did
 * compiles almost nothing. Call it with the V8 flags the CLI sets before loading the bundle.
 */
export async function writeCodeCache(file: string, exercise?: (exports: unknown) => Promise<void>): Promise<void> {
  const source = readFileSync(file);
  const { script, run } = compile(file, source.toString('utf8'), undefined);
  const exports = run();
  await exercise?.(exports);
  writeFileSync(`${file}.cache`, Buffer.concat([digest(source), script.createCachedData()]));
}

const DIGEST_BYTES = 4;

function digest(source: Buffer): Buffer {
  const crc = Buffer.alloc(DIGEST_BYTES);
  crc.writeUInt32BE(crc32(source));
  return crc;
}

/** The bundle wrapped as Node wraps a CommonJS module; `run` evaluates it and returns its exports. */
function compile(file: string, source: string, cachedData: Buffer | undefined): { script: Script; run: () => unknown } {
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const run = () => {
    const module = { exports: {} as unknown };
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
    return module.exports;
  };
  return { script, run };
}
