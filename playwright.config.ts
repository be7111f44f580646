import { defineConfig } from '@playwright/test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findBrowser } from './src/record/browser.js';

// e2e tests use the browser a user's `sessionjar record` would find.
const browser = (() => {
  try {
    return findBrowser({ playwrightPath: chromium.executablePath() });
  } catch {
    return undefined;
  }
})();

export default defineConfig({
  testDir: 'test',
  timeout: 60_000,
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/results.json' }]] : 'list',
  projects: [
    { name: 'unit', testIgnore: ['e2e/**'] },
    {
      name: 'e2e',
      testDir: 'test/e2e',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: browser?.executablePath, args: CHROMIUM_ARGS },
      },
    },
  ],
});
