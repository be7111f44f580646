import { existsSync } from 'node:fs';
import { SessionjarError } from '../core/errors.js';

/**
 * Flags every launch gets: without the networking flags Chromium keeps dialling Google's services in
 * a closed network; without --disable-dev-shm-usage it crashes on a small /dev/shm.
 */
const BASE_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Chromium's flags for a process running as `uid`. The sandbox is turned off only for root, where
 * Chromium refuses to start with it; anyone else keeps it (a login page is untrusted content). A
 * user without a usable sandbox asks for `--no-sandbox` through SESSIONJAR_BROWSER_ARGS.
 */
export function chromiumArgs(uid: number | undefined): string[] {
  return uid === 0 ? ['--no-sandbox', ...BASE_ARGS] : [...BASE_ARGS];
}

/** The flags for this process (`getuid` is missing on Windows: the sandbox stays on). */
export const CHROMIUM_ARGS = chromiumArgs(process.getuid?.());

const SYSTEM_BROWSERS: Record<string, string[]> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  ],
};

export interface BrowserChoice {
  /** undefined: Playwright's own installed Chromium. */
  executablePath: string | undefined;
  source: 'option' | 'env' | 'playwright' | 'system';
}

export interface FindBrowserOptions {
  browserPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Path of Playwright's own Chromium, when Playwright is importable (see playwrightChromiumPath). */
  playwrightPath?: string;
  platform?: NodeJS.Platform;
}

/**
 * An explicit choice wins (--browser-path, then SESSIONJAR_BROWSER); else Playwright's own Chromium
 * when installed; else a system Chrome/Chromium; else BROWSER_NOT_FOUND with the install commands.
 */
export function findBrowser(options: FindBrowserOptions = {}): BrowserChoice {
  const env = options.env ?? process.env;
  if (options.browserPath) return explicit(options.browserPath, 'option', '--browser-path');
  if (env.SESSIONJAR_BROWSER) return explicit(env.SESSIONJAR_BROWSER, 'env', 'SESSIONJAR_BROWSER');
  if (options.playwrightPath && existsSync(options.playwrightPath)) {
    return { executablePath: undefined, source: 'playwright' };
  }
  for (const candidate of SYSTEM_BROWSERS[options.platform ?? process.platform] ?? []) {
    if (existsSync(candidate)) return { executablePath: candidate, source: 'system' };
  }
  throw new SessionjarError(
    'BROWSER_NOT_FOUND',
    [
      'no Chromium or Chrome found for recording. Install one of:',
      '  npx playwright install chromium          (Playwright\'s own build)',
      '  sudo apt-get install -y chromium         (Debian/Ubuntu system package)',
      '  bash scripts/install-browser.sh          (either, whichever works here)',
      'or point at a browser with --browser-path <file> or SESSIONJAR_BROWSER=<file>.',
    ].join('\n'),
  );
}

function explicit(path: string, source: 'option' | 'env', what: string): BrowserChoice {
  if (!existsSync(path)) {
    throw new SessionjarError('BROWSER_NOT_FOUND', `${what}: no browser at "${path}". Give the path of a Chrome or Chromium executable.`);
  }
  return { executablePath: path, source };
}
