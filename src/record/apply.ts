import type { BrowserContext } from 'playwright-core';
import { toPlaywright } from '../session/convert/playwright.js';
import type { Session } from '../session/schema/index.js';

/**
 * Puts a session into a Playwright browser context: cookies, localStorage and IndexedDB through
 * `setStorageState` (which first clears what the context held), and sessionStorage through an init
 * script, since it lives per tab and only exists once a page of its origin is open.
 *
 * @example
 * const context = await browser.newContext();
 * await applyToContext(context, await store.load('github'));
 * await (await context.newPage()).goto('https://github.com/');
 */
export async function applyToContext(context: BrowserContext, session: Session): Promise<void> {
  await context.setStorageState(toPlaywright(session).result);
  const perOrigin = Object.fromEntries(
    session.origins.filter((o) => Object.keys(o.sessionStorage).length > 0).map((o) => [o.origin, o.sessionStorage]),
  );
  if (Object.keys(perOrigin).length === 0) return;
  await context.addInitScript((data: Record<string, Record<string, string>>) => {
    const items = data[location.origin];
    if (!items) return;
    try {
      // Only keys the tab does not have: a page that changed or removed one keeps its own value.
      for (const [key, value] of Object.entries(items)) if (sessionStorage.getItem(key) === null) sessionStorage.setItem(key, value);
    } catch {
      // Storage disabled for this document (sandboxed frame): nothing to restore.
    }
  }, perOrigin);
}
