import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionjarError, isSessionjarError } from '../core/errors.js';
import type { ClientOptions } from '../replay/options.js';
import type { Session } from '../session/schema/index.js';
import formTotpRecipe from './recipes/form-totp.json' with { type: 'json' };
import spaRecipe from './recipes/spa.json' with { type: 'json' };
import ssoRecipe from './recipes/sso.json' with { type: 'json' };
import { startDemoSite } from './site.js';
import type { DemoSite, DemoStats } from './site.js';
import { compareBrowserAndReplay } from './timing.js';
import type { Timing } from './timing.js';

/**
 * `sessionjar demo` as a plain function: start the demo site with short session lifetimes, record
 * three logins by recipe in headless Chromium, replay them over plain HTTP, time a browser request
 * against a replayed one, let the sessions expire and watch each come back by itself.
 */

export type DemoStyle = 'form' | 'spa' | 'sso';

export interface DemoOptions {
  /** Folder for the session files; default a new temporary folder, removed at the end unless `keep`. */
  dir?: string;
  keep?: boolean;
  /** Lifetime of the demo's sessions and access tokens; default 12 s (enough to record, replay and time the form login first). */
  ttlSeconds?: number;
  /** Requests per side for the per-request medians; default 20. */
  samples?: number;
  browserPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Called as each step completes: a title and indented detail lines. */
  onStep?: (step: DemoStep) => void;
}

export interface DemoStep {
  title: string;
  details: string[];
}

export interface DemoReport {
  dir: string;
  kept: boolean;
  ttlSeconds: number;
  site: Pick<DemoSite, 'form' | 'spa' | 'app' | 'idp'>;
  recordings: { style: DemoStyle; name: string; file: string; seconds: number }[];
  replays: { style: DemoStyle; request: string; status: number }[];
  timing: Timing;
  expired: { style: DemoStyle; state: string; source?: string; status: number }[];
  refreshed: { style: DemoStyle; status: number; strategy: string; seconds: number }[];
  serverStats: DemoStats;
}

interface DemoLogin {
  style: DemoStyle;
  label: string;
  recipe: unknown;
  recipePath: string;
  url: (site: DemoSite) => string;
  api: (site: DemoSite) => string;
}

// The form login goes last: the timing runs on it while it is fresh, and the wait for the expiry
// starts after the last login, so it is short.
const LOGINS: DemoLogin[] = [
  { style: 'sso', label: 'single sign-on', recipe: ssoRecipe, recipePath: 'src/demo/recipes/sso.json', url: (s) => `${s.app}/login`, api: (s) => `${s.app}/api/me` },
  { style: 'spa', label: 'single-page app (JWT)', recipe: spaRecipe, recipePath: 'src/demo/recipes/spa.json', url: (s) => `${s.spa}/login`, api: (s) => `${s.spa}/api/me` },
  { style: 'form', label: 'form login + TOTP', recipe: formTotpRecipe, recipePath: 'src/demo/recipes/form-totp.json', url: (s) => `${s.form}/login`, api: (s) => `${s.form}/api/me` },
];

const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const millis = (ms: number) => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function unexpected(step: string, detail: string): SessionjarError {
  return new SessionjarError('INTERNAL', `demo step "${step}" went wrong: ${detail}. Run again with SESSIONJAR_DEBUG=1 and --keep to look at the session files.`);
}

/** The modules the tour drives, loaded when it runs: Playwright and undici stay out of `--help`. */
async function loadModules() {
  const [record, recipe, open, refresher, status, fileStore, expiry] = await Promise.all([
    import('../record/record.js'),
    import('../record/recipe.js'),
    import('../refresh/open.js'),
    import('../refresh/refresher.js'),
    import('../refresh/status.js'),
    import('../store/file-store.js'),
    import('../session/expiry.js'),
  ]);
  return {
    recordSession: record.recordSession,
    parseRecipe: recipe.parseRecipe,
    openSession: open.openSession,
    STRATEGIES: refresher.STRATEGIES,
    sessionStatus: status.sessionStatus,
    FileStore: fileStore.FileStore,
    sessionExpiry: expiry.sessionExpiry,
  };
}

type Modules = Awaited<ReturnType<typeof loadModules>>;
type Store = InstanceType<Modules['FileStore']>;

const nameOf = (style: DemoStyle) => `demo-${style}`;

/** One run of the tour: the site, the store and what has been seen so far. */
class Tour {
  readonly replays: DemoReport['replays'] = [];
  readonly recordings: DemoReport['recordings'] = [];
  readonly sessions = new Map<DemoStyle, Session>();
  readonly client: ClientOptions;

  constructor(
    private readonly m: Modules,
    private readonly site: DemoSite,
    private readonly store: Store,
    private readonly env: NodeJS.ProcessEnv,
    private readonly ttlSeconds: number,
    private readonly options: DemoOptions,
  ) {
    // trustEnv off: a proxy from the environment has no business between us and loopback.
    this.client = { store, env, trustEnv: false };
  }

  step(title: string, details: string[] = []): void {
    this.options.onStep?.({ title, details });
  }

  /** One request with refresh off, for showing what a plain replay gets. */
  async replay(style: DemoStyle, url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string }> {
    const session = await this.m.openSession(nameOf(style), { ...this.client, autoRefresh: false });
    try {
      const res = await session.request(url, init);
      const text = await res.body.text();
      this.replays.push({ style, request: `${init.method ?? 'GET'} ${new URL(url).pathname}`, status: res.status });
      return { status: res.status, text };
    } finally {
      await session.close();
    }
  }

  async record(login: DemoLogin): Promise<void> {
    const recipe = this.m.parseRecipe(login.recipe, login.recipePath);
    const started = performance.now();
    const result = await this.m.recordSession({
      name: nameOf(login.style),
      url: login.url(this.site),
      steps: recipe.steps,
      ...(recipe.success ? { until: recipe.success } : {}),
      ...(recipe.tokenEndpoint ? { tokenEndpoint: recipe.tokenEndpoint } : {}),
      interactive: false,
      headed: false,
      browserPath: this.options.browserPath,
      env: this.env,
      store: this.store,
      force: true,
    });
    const took = performance.now() - started;
    this.sessions.set(login.style, result.session);
    this.recordings.push({ style: login.style, name: nameOf(login.style), file: result.location, seconds: took / 1000 });
    const { summary } = result;
    this.step(`Recorded "${nameOf(login.style)}" (${login.label}) by recipe in headless Chromium in ${duration(took)}`, [
      `cookies: ${summary.cookies.map((c) => `${c.domain} (${c.names.join(', ')})`).join('; ') || 'none'}`,
      ...summary.headers.map((h) => `header ${h.header}${h.from ? ` = ${h.from}` : ' (recorded value)'}`),
      ...summary.tokens.map((t) => `token ${t.where}${t.exp ? `, expires in ${Math.round(t.exp - Date.now() / 1000)} s` : ''}`),
      ...(summary.oauth ? [`refresh token ${summary.oauth.refreshToken} for ${summary.oauth.tokenEndpoint}`] : []),
    ]);
  }

  async replayApi(login: DemoLogin): Promise<void> {
    const url = login.api(this.site);
    const { status, text } = await this.replay(login.style, url);
    if (status !== 200) throw unexpected('replay', `GET ${url} with "${nameOf(login.style)}" answered ${status}${this.ttlHint()}`);
    const lines = [`GET ${new URL(url).pathname} → ${status} ${text}`];
    if (login.style === 'form') {
      const note = await this.replay('form', `${this.site.form}/api/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'written over plain HTTP' }),
      });
      if (note.status !== 201) throw unexpected('replay', `POST /api/notes answered ${note.status} ${note.text}`);
      lines.push(`POST /api/notes → ${note.status} (its X-XSRF-TOKEN header derived from the cookie)`);
    }
    this.step(`Replayed "${nameOf(login.style)}" over plain HTTP, no browser`, lines);
  }

  /** Sessions this short may lapse on a slow machine before the replay or the timing is done. */
  ttlHint(): string {
    return `; the demo sessions last ${this.ttlSeconds} s, perhaps less than this machine needed: try --ttl 30`;
  }

  async time(samples: number): Promise<Timing> {
    try {
      return await this.#time(samples);
    } catch (error) {
      if (isSessionjarError(error)) throw error;
      throw unexpected('timing', `${(error as Error).message}${this.ttlHint()}`);
    }
  }

  async #time(samples: number): Promise<Timing> {
    const timing = await compareBrowserAndReplay({
      session: await this.store.load(nameOf('form')),
      url: `${this.site.form}/api/me`,
      samples,
      openClient: () => this.m.openSession(nameOf('form'), { ...this.client, autoRefresh: false }),
      browserPath: this.options.browserPath,
      env: this.env,
    });
    const times = (a: number, b: number) => `${Math.max(1, Math.round(a / b))}× faster`;
    this.step(`Browser against replay, GET /api/me on "${nameOf('form')}"`, [
      `first answer: browser ${millis(timing.browserFirstMs)} (launch Chromium, restore the session, load)  ·  replay ${millis(timing.replayFirstMs)} (open the file, request)  ·  ${times(timing.browserFirstMs, timing.replayFirstMs)}`,
      `per request:  browser ${millis(timing.browserMedianMs)} (median of ${samples} fetches in the page)  ·  replay ${millis(timing.replayMedianMs)} (median of ${samples})  ·  ${times(timing.browserMedianMs, timing.replayMedianMs)}`,
    ]);
    return timing;
  }

  /** Waits until every session's own expiry (cookie Max-Age, JWT exp) has passed, then shows it. */
  async expire(): Promise<DemoReport['expired']> {
    const deadlines = [...this.sessions.values()].map((s) => this.m.sessionExpiry(s, { marginSeconds: 0 }).expiresAt ?? Date.now() / 1000 + this.ttlSeconds);
    const waitMs = Math.max(0, Math.max(...deadlines) * 1000 - Date.now()) + 300;
    await sleep(waitMs);
    const expired: DemoReport['expired'] = [];
    const lines: string[] = [];
    for (const login of LOGINS) {
      const status = await this.m.sessionStatus(this.store, nameOf(login.style), { marginSeconds: 0 });
      const { status: http } = await this.replay(login.style, login.api(this.site));
      expired.push({ style: login.style, state: status.state, ...(status.source ? { source: status.source } : {}), status: http });
      if (http !== 401) throw unexpected('expiry', `GET ${login.api(this.site)} still answered ${http} after the TTL`);
      lines.push(`${nameOf(login.style)}  status: ${status.state}${status.source ? ` (${status.source})` : ''}  ·  GET /api/me with refresh off → ${http}`);
    }
    this.step(`Waited ${duration(waitMs)}: the sessions expired`, lines);
    return expired;
  }

  /** The same request with automatic refresh on, as the library and CLI make it by default. */
  async refresh(login: DemoLogin): Promise<DemoReport['refreshed'][number] & { line: string }> {
    let strategy: string | undefined;
    const started = performance.now();
    // The library's openSession, as a script would call it: automatic refresh is on by default.
    const session = await this.m.openSession(nameOf(login.style), {
      ...this.client,
      refresh: {
        interactive: false,
        marginSeconds: 0,
        browserPath: this.options.browserPath,
        onRefresh: (result) => {
          strategy = result.strategy;
        },
      },
    });
    let status: number;
    try {
      const res = await session.request(login.api(this.site));
      await res.body.text();
      status = res.status;
    } finally {
      await session.close();
    }
    const took = performance.now() - started;
    if (status !== 200 || !strategy) throw unexpected('refresh', `GET ${login.api(this.site)} answered ${status}${strategy ? '' : ' and no refresh ran'}`);
    const title = this.m.STRATEGIES.find((s) => s.id === strategy)?.title ?? strategy;
    const noBrowser = strategy === 'oauth' || strategy === 'silent-sso' ? ' (no browser)' : '';
    return {
      style: login.style,
      status,
      strategy,
      seconds: took / 1000,
      line: `${nameOf(login.style)}  GET /api/me → ${status}, refreshed by ${title}${noBrowser} in ${duration(took)}`,
    };
  }
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const m = await loadModules();
  const ttlSeconds = options.ttlSeconds ?? 12;
  const samples = options.samples ?? 20;
  const site = await startDemoSite({ sessionTtlSeconds: ttlSeconds, accessTokenTtlSeconds: ttlSeconds, totp: true });
  let dir: string | undefined = options.dir;
  const removeDir = !options.dir && !options.keep;
  try {
    dir ??= await mkdtemp(join(tmpdir(), 'sessionjar-demo-'));
    const env: NodeJS.ProcessEnv = {
      ...(options.env ?? process.env),
      DEMO_USER: site.credentials.username,
      DEMO_PASSWORD: site.credentials.password,
      DEMO_TOTP_SECRET: site.credentials.totpSecret,
    };
    const tour = new Tour(m, site, new m.FileStore({ dir }), env, ttlSeconds, options);
    tour.step(`Demo site started on loopback; its sessions and access tokens last ${ttlSeconds} s`, [
      `form login + TOTP  ${site.form}/login`,
      `single-page app    ${site.spa}/login`,
      `single sign-on     ${site.app}/login → identity provider ${site.idp}`,
    ]);
    for (const login of LOGINS) {
      await tour.record(login);
      await tour.replayApi(login);
    }
    const timing = await tour.time(samples);
    const expired = await tour.expire();
    const refreshed: DemoReport['refreshed'] = [];
    const lines: string[] = [];
    for (const login of LOGINS) {
      const { line, ...result } = await tour.refresh(login);
      refreshed.push(result);
      lines.push(line);
    }
    tour.step('Came back by itself: the next request logged in again and went through', lines);
    const { logins, tokenRefreshes, silentSso, apiCalls } = site.stats;
    tour.step('What the server saw', [
      `password logins: form ${logins.form} (TOTP codes ${logins.totp}), SPA ${logins.spa}, identity provider ${logins.idp}`,
      `token refreshes ${tokenRefreshes}, silent single sign-ons ${silentSso}, API calls ${apiCalls}`,
    ]);
    return {
      dir,
      kept: !removeDir,
      ttlSeconds,
      site: { form: site.form, spa: site.spa, app: site.app, idp: site.idp },
      recordings: tour.recordings,
      replays: tour.replays,
      timing,
      expired,
      refreshed,
      serverStats: structuredClone(site.stats),
    };
  } finally {
    await site.close();
    if (removeDir && dir) await rm(dir, { recursive: true, force: true });
  }
}
