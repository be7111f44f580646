import { appendFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { SessionjarError } from '../core/errors.js';
import { CHROMIUM_ARGS, findBrowser } from './browser.js';

export interface LaunchOptions {
  headed?: boolean;
  browserPath?: string;
  env?: NodeJS.ProcessEnv;
}

/** A display to open a headed window on: X11/Wayland on Linux; macOS and Windows always have one. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Starts Chromium the way every recording does: the browser findBrowser picks, our flags, plus any
 * from SESSIONJAR_BROWSER_ARGS (space-separated, e.g. a proxy or `--remote-debugging-port=9222`).
 * Each launch appends a line to $SESSIONJAR_LAUNCH_LOG when set, so tests can count launches.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const env = options.env ?? process.env;
  const { chromium } = await import('playwright-core');
  let playwrightPath: string | undefined;
  try {
    playwrightPath = chromium.executablePath();
  } catch {
    playwrightPath = undefined;
  }
  const choice = findBrowser({ browserPath: options.browserPath, env, playwrightPath });
  const headed = options.headed ?? false;
  if (headed && !hasDisplay(env)) {
    throw new SessionjarError(
      'NO_DISPLAY',
      'no display for a headed browser (DISPLAY and WAYLAND_DISPLAY are unset). Record by recipe with --recipe <file> (headless), or run under a virtual display: xvfb-run -a sessionjar ...',
    );
  }
  const extraArgs = (env.SESSIONJAR_BROWSER_ARGS ?? '').split(/\s+/).filter(Boolean);
  try {
    const browser = await chromium.launch({
      executablePath: choice.executablePath,
      headless: !headed,
      args: [...CHROMIUM_ARGS, ...extraArgs],
    });
    if (env.SESSIONJAR_LAUNCH_LOG) {
      appendFileSync(env.SESSIONJAR_LAUNCH_LOG, `${new Date().toISOString()} pid=${process.pid} ${headed ? 'headed' : 'headless'} ${choice.executablePath ?? 'playwright-chromium'}\n`);
    }
    return browser;
  } catch (error) {
    const where = choice.executablePath ?? "Playwright's Chromium";
    const message = (error as Error).message;
    // A container without user namespaces has no sandbox for a non-root user: say how to go without.
    const hint = /sandbox/i.test(message) && !extraArgs.includes('--no-sandbox')
      ? ' If this machine has no usable sandbox (a container), set SESSIONJAR_BROWSER_ARGS=--no-sandbox.'
      : '';
    throw new SessionjarError(
      'BROWSER_NOT_FOUND',
      `could not start the browser at ${where}: ${message.split('\n')[0]}. Install a working Chromium (bash scripts/install-browser.sh) or choose one with --browser-path <file>.${hint}`,
      { cause: error },
    );
  }
}
