import type { Session } from '../session/schema/index.js';
import type { SessionClient } from '../replay/client.js';

/** Browser against replay, measured in this run on the same session and URL. */
export interface Timing {
  url: string;
  /** Launch Chromium, restore the session into a context, load the URL. */
  browserFirstMs: number;
  /** Open a client on the session file and send the request. */
  replayFirstMs: number;
  /** Median of `samples` fetches made by a logged-in page, timed from this process. */
  browserMedianMs: number;
  /** Median of `samples` requests of the open client. */
  replayMedianMs: number;
  samples: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

function expectOk(what: string, status: number): void {
  if (status !== 200) throw new Error(`${what} answered ${status}, expected 200`);
}

export interface TimingOptions {
  session: Session;
  url: string;
  samples: number;
  openClient: () => Promise<SessionClient>;
  browserPath?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The same GET both ways. First answer: what a script pays to get one authenticated response;
 * per request: a browser already open and logged in against a client already open, so the median
 * compares the request paths alone.
 */
export async function compareBrowserAndReplay(options: TimingOptions): Promise<Timing> {
  const { launchBrowser } = await import('../record/launch.js');
  const { applyToContext } = await import('../record/apply.js');
  const { url, samples } = options;

  const browserTimes: number[] = [];
  const started = performance.now();
  const browser = await launchBrowser({ browserPath: options.browserPath, env: options.env });
  let browserFirstMs: number;
  try {
    const context = await browser.newContext();
    await applyToContext(context, options.session);
    const page = await context.newPage();
    const response = await page.goto(url);
    expectOk(`the browser's GET ${url}`, response?.status() ?? 0);
    // A logged-out navigation is redirected to the login page, which answers 200 too.
    if (page.url() !== url) throw new Error(`the browser's GET ${url} ended at ${page.url()}: the session did not work in the browser`);
    browserFirstMs = performance.now() - started;
    for (let i = 0; i < samples; i++) {
      const [status, ms] = await timed(() =>
        page.evaluate(async (target) => (await fetch(target, { headers: { Accept: 'application/json' } })).status, url),
      );
      expectOk(`a fetch in the browser page of ${url}`, status);
      browserTimes.push(ms);
    }
  } finally {
    await browser.close();
  }

  const replayTimes: number[] = [];
  const [client, replayFirstMs] = await timed(async () => {
    const opened = await options.openClient();
    const res = await opened.request(url);
    await res.body.text();
    expectOk(`the replayed GET ${url}`, res.status);
    return opened;
  });
  try {
    for (let i = 0; i < samples; i++) {
      const [status, ms] = await timed(async () => {
        const res = await client.request(url);
        await res.body.text();
        return res.status;
      });
      expectOk(`the replayed GET ${url}`, status);
      replayTimes.push(ms);
    }
  } finally {
    await client.close();
  }
  return { url, browserFirstMs, replayFirstMs, browserMedianMs: median(browserTimes), replayMedianMs: median(replayTimes), samples };
}
