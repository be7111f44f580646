import { SessionjarError } from '../core/errors.js';

/**
 * Dot paths into parsed JSON (`auth.access_token`, `items.0.id`), as session files use them for
 * tokens in storage, probes and logged-out checks. Only a value's own properties are followed: a
 * hostile body such as `{"__proto__": …}` or a path through `constructor` must neither reach nor
 * change Object.prototype.
 */

/** Segments that name an object's prototype machinery rather than its data; refused in files. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether a JSON key can be one step of a dot path (recording skips the others). */
export function isPathSegment(key: string): boolean {
  return !key.includes('.') && !FORBIDDEN_SEGMENTS.has(key);
}

/** Why a path may not be used, for schema validation; undefined when it is fine. */
export function jsonPathProblem(path: string): string | undefined {
  const bad = path.split('.').find((part) => FORBIDDEN_SEGMENTS.has(part));
  return bad === undefined ? undefined : `the dot path "${path}" has the segment "${bad}", which is not allowed (__proto__, constructor and prototype are refused)`;
}

/** The segments of a usable path; undefined when one is forbidden. */
function segments(path: string): string[] | undefined {
  const parts = path.split('.');
  return parts.some((part) => FORBIDDEN_SEGMENTS.has(part)) ? undefined : parts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

/** The value at `path`; undefined when any step is missing (inherited properties count as missing). */
export function getJsonPath(value: unknown, path: string): unknown {
  const parts = segments(path);
  if (!parts) return undefined;
  let current = value;
  for (const part of parts) {
    if (!isObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

/** A copy of `doc` (an object, else a new one) with `value` at `path`; missing steps become objects. */
export function setJsonPath(doc: unknown, path: string, value: string): unknown {
  const parts = segments(path);
  if (!parts) throw new SessionjarError('INTERNAL', `cannot write a token: ${jsonPathProblem(path)}.`);
  const root: Record<string, unknown> = isObject(doc) ? structuredClone(doc) : {};
  let node = root;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    node = isObject(next) ? next : (node[part] = {});
  }
  node[parts[parts.length - 1] ?? ''] = value;
  return root;
}
