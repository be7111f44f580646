import { expect, test } from '@playwright/test';
import { chromiumArgs } from '../../src/record/browser.js';

test('the sandbox is turned off only for root', () => {
  expect(chromiumArgs(0)).toContain('--no-sandbox');
  for (const uid of [1000, 501, 65534]) {
    const args = chromiumArgs(uid);
    expect(args).not.toContain('--no-sandbox');
    expect(args).toContain('--disable-dev-shm-usage');
  }
  // Windows has no getuid: the sandbox stays on there too.
  expect(chromiumArgs(undefined)).not.toContain('--no-sandbox');
});
