import { expect, test } from '@playwright/test';
import { migrate, parseSession, serializeSession, type Migration } from '../../src/session/schema/index.js';
import { newSession } from '../../src/session/new-session.js';
import { isSessionjarError } from '../../src/core/errors.js';

const source = { file: 'recordings/x.json' };

test('a new session round-trips through serialize and parse', () => {
  const s = newSession('x', new Date('2026-01-01T00:00:00Z'));
  expect(parseSession(serializeSession(s), source)).toEqual(s);
});

test('a future format version is refused as written by a newer sessionjar', () => {
  const text = JSON.stringify({ ...newSession('x'), version: 2 });
  expect(() => parseSession(text, source)).toThrow(/recordings\/x\.json: written by a newer sessionjar \(format version 2/);
});

test('a wrongly typed field is named by its JSON path', () => {
  const doc = newSession('x') as unknown as Record<string, unknown>;
  doc.cookies = [{ name: 'a', value: 1, domain: 'example.com', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false }];
  try {
    parseSession(JSON.stringify(doc), source);
    throw new Error('expected an error');
  } catch (error) {
    expect(isSessionjarError(error, 'SESSION_INVALID')).toBe(true);
    expect((error as Error).message).toContain('recordings/x.json');
    expect((error as Error).message).toContain('cookies[0].value');
  }
});

test('the migrate chain walks old versions up one step at a time', () => {
  const chain: Record<number, Migration> = {
    1: (d) => ({ ...d, version: 2, steps: [...(d.steps as number[]), 1] }),
    2: (d) => ({ ...d, version: 3, steps: [...(d.steps as number[]), 2] }),
  };
  expect(migrate({ version: 1, steps: [] }, 3, chain)).toEqual({ version: 3, steps: [1, 2] });
  expect(() => migrate({ version: 0 }, 3, chain)).toThrow(/positive integer/);
});
