import { readFile } from 'node:fs/promises';
import type { DemoSite } from '../../src/demo/site.js';
import { recordSession } from '../../src/record/record.js';
import type { SessionStore } from '../../src/store/types.js';

/** The environment the demo recipes read their credentials from. */
export function demoEnv(site: DemoSite, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DEMO_USER: site.credentials.username, DEMO_PASSWORD: site.credentials.password, DEMO_TOTP_SECRET: site.credentials.totpSecret, ...overrides };
}

export type DemoStyle = 'form' | 'spa' | 'sso';

/** Records one demo login by its bundled recipe (a real headless Chromium), with /api/me as the probe. */
export async function recordDemo(site: DemoSite, style: DemoStyle, store: SessionStore, name: string = style, env = demoEnv(site)): Promise<void> {
  const origin = style === 'form' ? site.form : style === 'spa' ? site.spa : site.app;
  await recordSession({
    name,
    url: `${origin}/login`,
    recipe: `src/demo/recipes/${style}.json`,
    env,
    store,
    probe: { url: `${origin}/api/me`, method: 'GET', expect: {} },
    ...(style === 'spa' ? { tokenEndpoint: '/oauth/token' } : {}),
  });
}

/** Lines in $SESSIONJAR_LAUNCH_LOG: one per browser launch. */
export async function launches(file: string): Promise<number> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}
