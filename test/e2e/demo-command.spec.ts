import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSession } from '../../src/session/schema/index.js';

// `sessionjar demo` as a user runs it: the built CLI (npm test builds first), a real Chromium.

const CLI = join(process.cwd(), 'dist', 'cli.js');

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test.describe('sessionjar demo', () => {
  test.setTimeout(180_000);
  let scratch: string;
  test.beforeEach(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    scratch = await mkdtemp(join(tmpdir(), 'sj-demo-test-'));
  });
  test.afterEach(async () => rm(scratch, { recursive: true, force: true }));

  test('records, replays, times, expires and refreshes each login style, then removes its temporary files', async () => {
    // Its own TMPDIR, so the test can see that nothing is left behind.
    const { code, stdout, stderr } = await runCli(['demo', '--samples', '5'], { ...process.env, TMPDIR: scratch });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const line of [
      /^✓ Demo site started on loopback; its sessions and access tokens last 12 s$/m,
      /^✓ Recorded "demo-sso" \(single sign-on\) by recipe in headless Chromium in /m,
      /^✓ Recorded "demo-spa" \(single-page app \(JWT\)\) by recipe/m,
      /^✓ Recorded "demo-form" \(form login \+ TOTP\) by recipe/m,
      /^ {4}header Authorization = Bearer localStorage "auth" → access_token/m,
      /^ {4}GET \/api\/me → 200 \{"user":"demo","style":"form"\}$/m,
      /^ {4}POST \/api\/notes → 201 /m,
      /^ {4}first answer: browser [\d.]+ ms .* replay [\d.]+ ms .*× faster$/m,
      /^ {4}per request: {2}browser [\d.]+ ms \(median of 5 fetches in the page\) .* replay [\d.]+ ms \(median of 5\)/m,
      /^✓ Waited [\d.]+ m?s: the sessions expired$/m,
      /^ {4}demo-form {2}status: expired \(cookie "sid" \(127\.0\.0\.1\)\) {2}· {2}GET \/api\/me with refresh off → 401$/m,
      /^ {4}demo-sso {2}GET \/api\/me → 200, refreshed by silent single sign-on \(no browser\) in /m,
      /^ {4}demo-spa {2}GET \/api\/me → 200, refreshed by OAuth refresh token \(no browser\) in /m,
      /^ {4}demo-form {2}GET \/api\/me → 200, refreshed by recorded recipe \(headless browser\) in /m,
      /^ {4}password logins: form 2 \(TOTP codes 2\), SPA 1, identity provider 1$/m,
      /^ {4}token refreshes 1, silent single sign-ons 1, /m,
      /^✓ Cleaned up: demo servers and browsers closed\n {4}temporary session files removed$/m,
    ]) {
      expect(stdout).toMatch(line);
    }
    expect(await readdir(scratch)).toEqual([]);
  });

  test('--json with --dir: a report, and the session files stay and load with the v1 schema', async () => {
    const dir = join(scratch, 'sessions');
    const { code, stdout, stderr } = await runCli(['--dir', dir, 'demo', '--json', '--samples', '3', '--ttl', '15'], process.env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown> & {
      refreshed: { style: string; status: number; strategy: string }[];
      expired: { style: string; state: string; status: number }[];
      timing: { samples: number; browserFirstMs: number; replayFirstMs: number };
    };
    expect(report).toMatchObject({ dir, kept: true, ttlSeconds: 15 });
    expect(report.timing.samples).toBe(3);
    expect(report.timing.browserFirstMs).toBeGreaterThan(report.timing.replayFirstMs);
    expect(report.expired.map((e) => [e.style, e.state, e.status])).toEqual([
      ['sso', 'expired', 401],
      ['spa', 'expired', 401],
      ['form', 'expired', 401],
    ]);
    expect(report.refreshed.map((r) => [r.style, r.status, r.strategy])).toEqual([
      ['sso', 200, 'silent-sso'],
      ['spa', 200, 'oauth'],
      ['form', 200, 'recipe'],
    ]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.json')).sort()).toEqual(['demo-form.json', 'demo-spa.json', 'demo-sso.json']);
    for (const file of ['demo-form.json', 'demo-spa.json', 'demo-sso.json']) {
      const session = parseSession(await readFile(join(dir, file), 'utf8'), { file });
      expect(session.login?.env.sort()).toEqual(file === 'demo-form.json' ? ['DEMO_PASSWORD', 'DEMO_TOTP_SECRET', 'DEMO_USER'] : ['DEMO_PASSWORD', 'DEMO_USER']);
    }
  });

  test('sessions too short to replay: exit 1, and the error says to raise --ttl; nothing left behind', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--ttl', '1'], { ...process.env, TMPDIR: scratch });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✓ Recorded "demo-sso"/m);
    // Which step runs out of time first depends on the machine's speed: the replay over HTTP (GET ...),
    // or the browser side of the timing comparison right after it (a fetch in the browser page of ...).
    expect(stderr).toMatch(
      /^sessionjar: error \[INTERNAL\]: demo step "(replay|timing)" went wrong: .*(GET |the browser page of )http:\/\/127\.0\.0\.1:\d+\/api\/me .*; the demo sessions last 1 s, perhaps less than this machine needed: try --ttl 30\./,
    );
    expect(await readdir(scratch)).toEqual([]);
  });
});
