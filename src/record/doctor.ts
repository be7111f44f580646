import { resolve } from 'node:path';
import { checkGit, checkKeyFile, checkPermissions, checkSessions, type DoctorCheck } from '../store/doctor.js';

// `sessionjar doctor` and the library's runDoctor: the checks of Node and of the browser a
// recording would use (Playwright loaded only here, lazily), then store/doctor.ts's of the folder.

export type { CheckStatus, DoctorCheck } from '../store/doctor.js';

export interface DoctorOptions {
  /** The recordings folder. */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** Where git is asked from (the current repository). Default: process.cwd(). */
  cwd?: string;
  /** Milliseconds, as Date.now(); for expiry. */
  now?: number;
  nodeVersion?: string;
  /** Whether commands could ask for a passphrase at a terminal. Default: stdin and stderr are TTYs. */
  interactive?: boolean;
}

export interface DoctorReport {
  /** false when any check failed: something needs fixing. */
  ok: boolean;
  checks: DoctorCheck[];
}

const MIN_NODE = [20, 18, 1] as const;

/**
 * Checks a set-up for recording and replaying sessions, each finding with its fix. Reads only:
 * it never tightens a permission, decrypts to disk or writes a session (unlike the store's load,
 * which fixes loose permissions as it goes).
 *
 * @example
 * const { ok, checks } = await runDoctor({ dir: 'recordings' });
 * for (const c of checks) if (c.status !== 'ok') console.error(`${c.id}: ${c.message}\n  fix: ${c.fix}`);
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  const checks: DoctorCheck[] = [
    checkNode(options.nodeVersion ?? process.versions.node),
    await checkBrowser(env),
    ...(await checkPermissions(dir)),
    await checkGit(dir, options.cwd ?? process.cwd()),
    ...checkKeyFile(env),
    ...(await checkSessions(dir, env, options.now ?? Date.now(), options.interactive ?? (process.stdin.isTTY === true && process.stderr.isTTY === true))),
  ];
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

export function checkNode(version: string): DoctorCheck {
  const parts = version.split('.').map(Number);
  let older = false;
  for (let i = 0; i < 3; i++) {
    const have = parts[i] ?? 0;
    if (have !== MIN_NODE[i]) {
      older = have < MIN_NODE[i]!;
      break;
    }
  }
  const need = MIN_NODE.join('.');
  return older
    ? { id: 'node', status: 'fail', message: `Node.js ${version} is older than ${need}`, fix: `install Node.js ${need} or newer (e.g. \`nvm install 20\`)` }
    : { id: 'node', status: 'ok', message: `Node.js ${version} (needs ≥ ${need})` };
}

/** The browser `sessionjar record` would use; Playwright is loaded only here, lazily. */
async function checkBrowser(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const [{ findBrowser }, { hasDisplay }] = await Promise.all([import('./browser.js'), import('./launch.js')]);
  let playwrightPath: string | undefined;
  try {
    playwrightPath = (await import('playwright-core')).chromium.executablePath();
  } catch {
    playwrightPath = undefined;
  }
  try {
    const choice = findBrowser({ env, playwrightPath });
    const where = choice.executablePath ?? `Playwright's Chromium (${playwrightPath})`;
    const display = hasDisplay(env) ? '' : '; no display, so interactive (headed) recording needs `xvfb-run -a`';
    return { id: 'browser', status: 'ok', message: `browser for recording: ${where} (from ${choice.source})${display}` };
  } catch (error) {
    const [first, ...rest] = (error as Error).message.split('\n');
    return { id: 'browser', status: 'fail', message: first ?? 'no browser', fix: rest.length > 0 ? rest.join('\n').trim() : 'set SESSIONJAR_BROWSER to a Chrome or Chromium executable, or unset it to use the one found on this system' };
  }
}
