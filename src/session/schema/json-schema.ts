import { z } from 'zod';
import { CURRENT_VERSION, SessionSchema } from './index.js';

/** JSON Schema formats validators know; zod also emits its own ("starts_with", "includes"). */
const STANDARD_FORMATS = new Set(['date-time', 'date', 'time', 'duration', 'email', 'uri', 'uuid', 'ipv4', 'ipv6', 'hostname', 'regex']);

/**
 * The JSON Schema of the session file, generated from the zod schema. `io: 'input'` describes what
 * a reader accepts (fields with defaults may be left out); sessionjar itself always writes them.
 * Checked in as docs/session.schema.json (`npm run schema`); a unit test keeps the two equal.
 */
export function sessionJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(SessionSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  const { $schema, ...rest } = dropCustomFormats(generated) as Record<string, unknown>;
  return {
    $schema,
    title: `sessionjar session file, format version ${CURRENT_VERSION}`,
    description: 'One login, portable: cookies, per-origin storage, headers and how to log in again. Spec: docs/session-format.md.',
    ...rest,
  };
}

/** The text of docs/session.schema.json. */
export function sessionJsonSchemaText(): string {
  return `${JSON.stringify(sessionJsonSchema(), null, 2)}\n`;
}

function dropCustomFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropCustomFormats);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'format' && typeof value === 'string' && !STANDARD_FORMATS.has(value)) continue;
    out[key] = dropCustomFormats(value);
  }
  return out;
}
