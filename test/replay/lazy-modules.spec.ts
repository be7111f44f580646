import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The CLI bundle swaps two imports of its dependencies for loaders of our own that require the very
// module on first use (scripts/build.mjs, lazyModules). These check that each loader stands in for
// the module as published; test/cli/cold-start.spec.ts checks the bundle loads neither early.
const require = createRequire(import.meta.url);
const tldts = require('tldts') as Record<string, (...args: unknown[]) => unknown>;
const lazyTldts = require('../../scripts/lazy-tldts.cjs') as Record<string, (...args: unknown[]) => unknown>;

test('the lazy tldts has every export of tldts, and each answers as tldts does', () => {
  expect(Object.keys(lazyTldts).sort()).toEqual(Object.keys(tldts).sort());
  for (const [name, fn] of Object.entries(lazyTldts)) {
    for (const host of ['www.example.co.uk', 'a.b.github.io', '127.0.0.1', 'localhost']) expect(fn(host), `${name}(${host})`).toEqual(tldts[name]!(host));
  }
});

test('tough-cookie imports from tldts only what the lazy tldts has', () => {
  // Its ESM build, which the bundle takes (the CommonJS one beside it is index.cjs).
  const source = readFileSync(require.resolve('tough-cookie').replace(/\.cjs$/, '.js'), 'utf8');
  const imports = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"tldts"/g)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()));
  expect(imports.length).toBeGreaterThan(0);
  for (const name of imports) expect(Object.keys(lazyTldts), name).toContain(name);
});

test('undici’s Client requires its HTTP/2 half once, as the function the lazy loader calls', () => {
  // undici is pinned to an exact version in package.json: this loader and scripts/undici-core.cjs
  // require files of its lib/ folder, which a release may move.
  const client = readFileSync(require.resolve('undici/lib/dispatcher/client.js'), 'utf8');
  expect(client.split("require('./client-h2.js')").length).toBe(2);
  expect(typeof require('undici/lib/dispatcher/client-h2.js')).toBe('function');
  expect(require('../../package.json').dependencies.undici).toMatch(/^\d+\.\d+\.\d+$/);
});
