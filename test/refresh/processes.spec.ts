import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newSession } from '../../src/session/new-session.js';
import type { Session } from '../../src/session/schema/index.js';
import { FileStore } from '../../src/store/file-store.js';
import { bundleScript } from '../helpers/bundle.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

const run = promisify(execFile);
const PROCESSES = 4;
const CONCURRENCY = 8;
/** Each process stops after this many requests, this long, or when the server has seen enough. */
const REQUESTS = 3000;
const RUN_MS = 30_000;
const REVOCATIONS = 8;
/** An access token is revoked once it has lived this long and every process has used it. */
const TOKEN_LIFETIME_MS = 500;

interface Summary {
  statuses: Record<string, number>;
  errors: Record<string, number>;
  logins: number;
  elsewhere: number;
  done: number;
}

interface Counts {
  /** The current token is revoked (and no login replaced it yet). */
  revoked: boolean;
  revocations: number;
  logins: number;
  /** Refresh grants with a refresh token that was used before (or never issued). */
  reused: number;
  served: number;
  refused: number;
}

/**
 * An API taking one bearer token at a time, revoked on a timer, that sets an ordinary cookie on
 * every fifth answer; and its token endpoint, rotating refresh tokens and refusing a used one.
 * A token is revoked only after every process was served with it: a process that took up a login
 * already revoked (it waited for the refresh lock longer than the token lived, as a loaded machine
 * makes happen) would fail its retried request rightly, and that is not what this test is about.
 */
async function revokingServer(): Promise<TestServer & { counts: () => Counts; stop: () => void }> {
  let access = 'at-0';
  let refresh = 'rt-0';
  let issuedAt = Date.now();
  const counts: Counts = { revoked: false, revocations: 0, logins: 0, reused: 0, served: 0, refused: 0 };
  const servedWorkers = new Set<string>();
  const server = await startHttpServer((req, res) => {
    if (req.url === '/oauth/token') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        res.setHeader('content-type', 'application/json');
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refresh) {
          counts.reused++;
          res.writeHead(400).end(JSON.stringify({ error: 'invalid_grant' }));
          return;
        }
        counts.logins++;
        access = `at-${counts.logins}`;
        refresh = `rt-${counts.logins}`;
        issuedAt = Date.now();
        counts.revoked = false;
        servedWorkers.clear();
        res.end(JSON.stringify({ access_token: access, refresh_token: refresh }));
      });
      return;
    }
    if (counts.revoked || req.headers.authorization !== `Bearer ${access}`) {
      counts.refused++;
      res.writeHead(401).end();
      return;
    }
    counts.served++;
    // Enough seen: the processes stop (each finishes the requests it has in flight).
    if (counts.revocations >= REVOCATIONS) res.setHeader('x-stop', '1');
    servedWorkers.add(new URL(req.url ?? '/', 'http://x').searchParams.get('worker') ?? '');
    // Ordinary cookies, none with a login-like name: write-back rewrites the file now and then.
    if (counts.served % 5 === 0) res.setHeader('set-cookie', `pref${counts.served % 3}=${counts.served}; Path=/`);
    res.end('ok');
  });
  const timer = setInterval(() => {
    if (!counts.revoked && Date.now() - issuedAt >= TOKEN_LIFETIME_MS && servedWorkers.size === PROCESSES) {
      counts.revoked = true;
      counts.revocations++;
    }
  }, 20);
  return Object.assign(server, { counts: () => ({ ...counts }), stop: () => clearInterval(timer) });
}

/** A single-page app's session: tokens in localStorage, a header rule sending the access token. */
function spaSession(origin: string): Session {
  const ref = { storage: 'localStorage' as const, origin, key: 'auth' };
  return {
    ...newSession('shared'),
    cookies: [{ name: 'pref0', value: 'start', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false }],
    origins: [{ origin, localStorage: { auth: JSON.stringify({ access_token: 'at-0', refresh_token: 'rt-0' }) }, sessionStorage: {} }],
    headers: { default: {}, origins: {}, rules: [{ header: 'Authorization', template: 'Bearer {value}', from: { ...ref, jsonPath: 'access_token' }, origins: [origin] }] },
    tokens: { jwts: [], oauth: { tokenEndpoint: `${origin}/oauth/token`, refreshToken: { ...ref, jsonPath: 'refresh_token' }, accessToken: { ...ref, jsonPath: 'access_token' } } },
  };
}

test('issue 17: four processes sharing one session file, the token revoked on a timer: every request answered 200, one login per revocation', async () => {
  test.setTimeout(60_000);
  let server: Awaited<ReturnType<typeof revokingServer>> | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sj-gen-'));
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const out = join(process.cwd(), 'test-results', `load-worker-${process.pid}`);
  mkdirSync(out, { recursive: true });
  try {
    const worker = await bundleScript('test/helpers/load-worker.ts', join(out, 'worker.mjs'), ['undici', 'tough-cookie', 'zod', 'playwright-core', '@redis/client']);
    const live = (server = await revokingServer());
    const store = new FileStore({ dir });
    await store.save('shared', spaSession(live.origin));
    const started = Date.now();
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        run(process.execPath, [worker, dir, 'shared', `${live.origin}/api?worker=${i}`, String(REQUESTS), String(CONCURRENCY), String(RUN_MS)], { timeout: 45_000 }),
      ),
    );
    live.stop();
    const summaries = outputs.map((o) => JSON.parse(o.stdout) as Summary);
    const counts = live.counts();
    test.info().annotations.push({
      type: 'measured',
      description: `${summaries.reduce((n, s) => n + s.done, 0)} requests in ${Date.now() - started} ms; ${JSON.stringify(counts)}; per process ${JSON.stringify(summaries.map((s) => [s.logins, s.elsewhere]))} (logins, refreshed elsewhere)`,
    });
    for (const s of summaries) expect({ statuses: s.statuses, errors: s.errors }).toEqual({ statuses: { 200: s.done }, errors: {} });
    expect(counts.reused).toBe(0);
    // The test exercised what it is about: several revocations while requests flowed.
    expect(counts.revocations).toBeGreaterThanOrEqual(3);
    // Exactly one login per revocation (but the last, when no request came after it): a process logs
    // in only when the file still holds the login its 401 was for (same generation, under the refresh
    // lock); every other process waiting for the lock finds a new generation and takes it up. Ordinary
    // cookies written back meanwhile change neither. Before the fix, such a write looked like a
    // refresh elsewhere: the waiting process took up the revoked login and its retry failed.
    expect(counts.revoked ? counts.logins + 1 : counts.logins).toBe(counts.revocations);
    expect(summaries.reduce((n, s) => n + s.logins, 0)).toBe(counts.logins);
    const file = await store.load('shared');
    expect(file.generation ?? 0).toBe(counts.logins);
  } finally {
    server?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
