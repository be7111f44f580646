import { readFileSync } from 'node:fs';
import { parseSession, type Session } from '../../src/session/schema/index.js';

/** The golden fixtures are dated before their cookies expire (4102444800 = 2100-01-01; far enough that tests running the CLI on the real clock keep them too). */
export const NOW = new Date('2026-01-01T00:00:00Z');

export function fixturePath(name: string): string {
  return new URL(`../fixtures/${name}`, import.meta.url).pathname;
}

export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

export function goldenSession(): Session {
  return parseSession(fixture('session-golden.json'), { file: 'test/fixtures/session-golden.json' });
}

export const importOptions = (file: string) => ({ name: 'imported', file, now: NOW });
