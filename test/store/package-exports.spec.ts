import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as sessionjar from '../../src/index.js';

// The README's "Library API" uses these with `import { ... } from 'sessionjar'`: each must be there.
test('the package exports every store and function the README library examples use', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const api = readme.slice(readme.indexOf('## Library API'), readme.indexOf('## Speed'));
  const used = ['FileStore', 'MemoryStore', 'defaultStore', 'openSession', 'openSessionFrom', 'refreshSession', 'createRefresher', 'sessionStatus', 'sessionExpiry', 'isLoggedOut', 'openStore', 'RedisStore'];
  for (const name of used) expect(api, `README mentions ${name}`).toContain(name);
  expect(used.filter((name) => !(name in sessionjar))).toEqual([]);
  const store = new sessionjar.FileStore({ dir: 'recordings' });
  expect(store.locate('github')).toBe('recordings/github.json');
  expect(sessionjar.defaultStore({}, 'elsewhere').dir).toBe(new sessionjar.FileStore({ dir: 'elsewhere' }).dir);
  expect(new sessionjar.MemoryStore().locate('github')).toContain('github');
});
