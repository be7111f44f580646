import { expect, test } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as undici from 'undici';

// The CLI bundle gets scripts/undici-core.cjs for `undici`: it must be undici itself, only less of it.
const core = createRequire(import.meta.url)('../../scripts/undici-core.cjs') as Record<string, unknown>;

test('each export of the CLI’s undici is the very object undici exports', () => {
  for (const [name, value] of Object.entries(core)) expect(value, name).toBe((undici as Record<string, unknown>)[name]);
  expect(typeof undici.Dispatcher.prototype.request).toBe('function');
});

test('src/ imports nothing from undici at run time that the CLI’s undici lacks', () => {
  const files = (readdirSync('src', { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join('src', f));
  const used = new Set<string>();
  for (const file of files) {
    for (const [, names] of readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\b)\{([^}]*)\}\s+from\s+'undici';/gm)) {
      for (const name of (names as string).split(',').map((n) => n.trim())) if (name && !name.startsWith('type ')) used.add(name);
    }
    expect(readFileSync(file, 'utf8'), file).not.toMatch(/^import\s+(\*|\w+)[^{]*from\s+'undici'/m);
  }
  expect(used.size).toBeGreaterThan(0);
  for (const name of used) expect(Object.keys(core), name).toContain(name);
});
