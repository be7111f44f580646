import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSite, type DemoSite, type DemoSiteOptions } from '../../src/demo/site.js';
import { FileStore } from '../../src/store/file-store.js';
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

/** A fresh store folder for one test, with the file browser launches are counted in. */
export async function demoWorkspace(prefix: string): Promise<{ dir: string; store: FileStore; launchLog: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, store: new FileStore({ dir }), launchLog: join(dir, 'launches.log') };
}

/** Starts the demo site and the environment its recipes need, counting launches in `launchLog`. */
export async function startDemo(launchLog: string, options: DemoSiteOptions = {}): Promise<{ site: DemoSite; env: NodeJS.ProcessEnv }> {
  const site = await startDemoSite(options);
  return { site, env: demoEnv(site, { SESSIONJAR_LAUNCH_LOG: launchLog }) };
}

/** Stops the site (if started) and removes the test's folder. */
export async function closeDemoWorkspace(site: DemoSite | undefined, dir: string): Promise<void> {
  await site?.close();
  await rm(dir, { recursive: true, force: true });
}
