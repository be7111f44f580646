import type { BrowserContext } from 'playwright-core';
import { fromPlaywright } from '../session/convert/playwright.js';
import type { Session } from '../session/schema/index.js';
import { deriveHeaders, findTokens } from './derive.js';
import type { WireLog } from './wire.js';

/**
 * sessionStorage of every origin open in any page or frame. Playwright's storageState leaves it out,
 * and it only exists inside live documents, so it is read from each one.
 */
export async function captureSessionStorage(context: BrowserContext): Promise<Map<string, Record<string, string>>> {
  const byOrigin = new Map<string, Record<string, string>>();
  for (const page of context.pages()) {
    for (const frame of page.frames()) {
      const found = await frame
        .evaluate(() => {
          const items: Record<string, string> = {};
          for (let i = 0; i < sessionStorage.length; i++) {
            const key = sessionStorage.key(i);
            if (key !== null) items[key] = sessionStorage.getItem(key) ?? '';
          }
          return { origin: location.origin, items };
        })
        .catch(() => undefined); // a frame that navigated away or has no storage (about:blank)
      if (!found || !/^https?:/.test(found.origin)) continue;
      byOrigin.set(found.origin, { ...byOrigin.get(found.origin), ...found.items });
    }
  }
  return byOrigin;
}

/**
 * Everything a login left behind, as a session (not saved): cookies on all domains, localStorage,
 * IndexedDB and sessionStorage per origin, the browser's own User-Agent and Accept-Language, the
 * credential headers the page sent (as rules where the state holds their values), and tokens.
 */
export async function captureState(context: BrowserContext, wire: WireLog, name: string, tokenEndpoint?: string, now = new Date()): Promise<Session> {
  await wire.settle();
  const state = await context.storageState({ indexedDB: true });
  const base = fromPlaywright(JSON.stringify({ cookies: state.cookies, origins: state.origins }), { name, file: 'the browser', now }).result;
  const setAt = now.getTime();
  const cookies = base.cookies.map((c) => ({ ...c, setAt }));
  const origins = [...base.origins];
  for (const [origin, items] of await captureSessionStorage(context)) {
    if (Object.keys(items).length === 0) continue;
    const index = origins.findIndex((o) => o.origin === origin);
    if (index >= 0) origins[index] = { ...origins[index]!, sessionStorage: items };
    else origins.push({ origin, localStorage: {}, sessionStorage: items });
  }
  const session: Session = { ...base, cookies, origins };
  const headers = deriveHeaders(session, wire.requests);
  const tokens = findTokens(session, headers.origins, wire.tokenExchanges, tokenEndpoint);
  return { ...session, headers, ...(tokens ? { tokens } : {}) };
}
