import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { sessionJsonSchema, sessionJsonSchemaText } from '../../src/session/schema/json-schema.js';

test('docs/session.schema.json is the schema generated from the zod schema', () => {
  const checkedIn = readFileSync(new URL('../../docs/session.schema.json', import.meta.url), 'utf8');
  expect(checkedIn === sessionJsonSchemaText(), 'docs/session.schema.json is out of date: run `npm run schema` and commit it').toBe(true);
});

test('the schema describes the fields a session file holds, with only standard formats', () => {
  const schema = sessionJsonSchema() as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'generator', 'name', 'cookies', 'origins', 'headers', 'login']));
  expect(schema.required).toEqual(['version', 'generator', 'name', 'createdAt', 'updatedAt']);
  expect(schema.additionalProperties).toBe(false);
  expect(JSON.stringify(schema)).not.toMatch(/"format":"(starts_with|includes)"/);
});
