import { SessionjarError } from '../core/errors.js';
import type { Session } from '../session/schema/index.js';
import { applyToContext } from './apply.js';
import { hasDisplay, launchBrowser } from './launch.js';

export interface OpenOptions {
  /** Page to open; default the login's probe URL, else the root of the login URL's origin. */
  url?: string;
  browserPath?: string;
  env?: NodeJS.ProcessEnv;
  onStatus?: (line: string) => void;
}

/** Where `sessionjar open` starts when no --url is given. */
export function defaultOpenUrl(session: Session): string | undefined {
  if (session.login?.probe?.url) return session.login.probe.url;
  if (session.login?.url) return `${new URL(session.login.url).origin}/`;
  return session.origins[0] ? `${session.origins[0].origin}/` : undefined;
}

/**
 * Opens a headed browser already logged in as the session, and resolves once the person has closed
 * it (its last tab or the whole browser). The session file is not changed.
 */
export async function openInBrowser(session: Session, options: OpenOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const url = options.url ?? defaultOpenUrl(session);
  if (!url) throw new SessionjarError('USAGE', `session "${session.name}" has no login URL to start from: pass --url <url>.`);
  if (!hasDisplay(env)) {
    throw new SessionjarError('NO_DISPLAY', 'no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset). Run under a virtual display (xvfb-run -a sessionjar open ...) or load it into your own Playwright script with applyToContext().');
  }
  const browser = await launchBrowser({ headed: true, browserPath: options.browserPath, env });
  try {
    const userAgent = session.headers.default['User-Agent'];
    const context = await browser.newContext(userAgent ? { userAgent } : {});
    await applyToContext(context, session);
    const page = await context.newPage();
    const closed = new Promise<void>((resolve) => {
      browser.on('disconnected', () => resolve());
      const check = () => setTimeout(() => context.pages().length === 0 && resolve(), 100);
      context.on('page', (p) => p.on('close', check));
      page.on('close', check);
    });
    await page.goto(url);
    options.onStatus?.(`opened ${url} as "${session.name}"; close the browser to finish`);
    await closed;
  } finally {
    await browser.close().catch(() => undefined);
  }
}
