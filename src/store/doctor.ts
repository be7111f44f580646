import { execFile } from 'node:child_process';
import { constants, statSync, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { isSessionjarError } from '../core/errors.js';
import { sessionExpiry } from '../session/expiry.js';
import { parseSession, type Session } from '../session/schema/index.js';
import { envelopeHeaderOf, openFileText } from './encryption.js';
import { envKeyProvider, readKeyFile } from './keys.js';

// The doctor's checks of a recordings folder: its permissions, whether git would commit it, the key
// file, and each session in it (record/doctor.ts runs them with the checks of the browser).

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  /** Stable: `node`, `browser`, `permissions`, `git`, `key-file`, `session:<name>`. */
  id: string;
  status: CheckStatus;
  /** What was found, one line. */
  message: string;
  /** What to run or change, when status is not ok. */
  fix?: string;
}

export async function checkPermissions(dir: string): Promise<DoctorCheck[]> {
  const shown = display(dir);
  let info: Stats;
  try {
    info = await stat(dir);
  } catch {
    return [{ id: 'permissions', status: 'ok', message: `${shown} does not exist yet; sessionjar creates it with mode 0700 on the first recording` }];
  }
  const loose: string[] = [];
  if (info.mode & 0o077) loose.push(`${shown} (${octal(info)})`);
  const files: string[] = [];
  for (const name of await sessionFiles(dir)) {
    const fileInfo = await stat(join(dir, name)).catch(() => undefined);
    if (fileInfo && fileInfo.mode & 0o077) {
      loose.push(`${display(join(dir, name))} (${octal(fileInfo)})`);
      files.push(display(join(dir, name)));
    }
  }
  if (loose.length === 0) return [{ id: 'permissions', status: 'ok', message: `${shown} is 0700 and its session files 0600` }];
  if (files.length === 0 && (await sessionFiles(dir)).length === 0) {
    // Nothing to read in it yet, and the store tightens the folder before its first write.
    return [{ id: 'permissions', status: 'warn', message: `${shown} has mode ${octal(info)} (no sessions in it yet)`, fix: `chmod 700 ${quote(shown)} (sessionjar also does it before its first write)` }];
  }
  const fixes = [...(info.mode & 0o077 ? [`chmod 700 ${quote(shown)}`] : []), ...(files.length > 0 ? [`chmod 600 ${files.map(quote).join(' ')}`] : [])];
  return [
    {
      id: 'permissions',
      status: 'fail',
      message: `readable by other users: ${loose.join(', ')}`,
      fix: `${fixes.join(' && ')} (sessionjar also tightens them the next time it loads or writes them)`,
    },
  ];
}

/** Would a session file in `dir` be committed by git in the repository around `cwd`? */
export async function checkGit(dir: string, cwd: string): Promise<DoctorCheck> {
  const probe = join(dir, 'sessionjar-doctor-probe.json');
  const ignored = await git(['check-ignore', '-q', '--', probe], cwd);
  if (ignored.code === 128 || ignored.code === -1) {
    const why = ignored.code === -1 ? 'git is not installed' : /outside repository/.test(ignored.stderr) ? `${display(dir)} is outside this repository` : 'not in a git repository';
    return { id: 'git', status: 'ok', message: `${why}: nothing would be committed` };
  }
  const root = (await git(['rev-parse', '--show-toplevel'], cwd)).stdout.trim();
  const ignoreFix = `echo '${gitPattern(dir, root)}' >> ${quote(display(join(root, '.gitignore')))}`;
  const tracked = await git(['ls-files', '--', dir], cwd);
  const committed = tracked.stdout.split('\n').filter((f) => f.endsWith('.json'));
  if (committed.length > 0) {
    return {
      id: 'git',
      status: 'fail',
      message: `session files are tracked by git: ${committed.join(', ')}`,
      fix: `git rm --cached ${committed.map(quote).join(' ')}, ignore the folder (${ignoreFix}), and treat the credentials in them as leaked if they were ever pushed`,
    };
  }
  if (ignored.code === 0) return { id: 'git', status: 'ok', message: `${display(dir)} is ignored by git` };
  return {
    id: 'git',
    status: 'fail',
    message: `session files in ${display(dir)} would be committed: git does not ignore them`,
    fix: ignoreFix,
  };
}

export function checkKeyFile(env: NodeJS.ProcessEnv): DoctorCheck[] {
  const path = env.SESSIONJAR_KEY_FILE;
  if (!path) return [];
  try {
    readKeyFile(path);
  } catch (error) {
    return [{ id: 'key-file', status: 'fail', message: (error as Error).message, fix: `point SESSIONJAR_KEY_FILE at a file holding a 32-byte key (\`openssl rand -hex 32 > key\`)` }];
  }
  const info = statSync(path);
  if (info.mode & 0o077) {
    return [{ id: 'key-file', status: 'fail', message: `SESSIONJAR_KEY_FILE ${path} has mode ${octal(info)}: other users can read the key`, fix: `chmod 600 ${quote(path)}` }];
  }
  return [{ id: 'key-file', status: 'ok', message: `SESSIONJAR_KEY_FILE holds a 32-byte key` }];
}

export async function checkSessions(dir: string, env: NodeJS.ProcessEnv, now: number, interactive: boolean): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const keys = envKeyProvider({ env, prompt: false });
  for (const fileName of await sessionFiles(dir)) {
    const name = fileName.slice(0, -'.json'.length);
    const path = join(dir, fileName);
    const location = display(path);
    const id = `session:${name}`;
    let text: string;
    try {
      text = await readNoFollow(path);
    } catch (error) {
      checks.push({ id, status: 'fail', message: `${location}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, fix: `replace it with a regular file, or re-record: sessionjar record ${name} --url <login-url>` });
      continue;
    }
    let encrypted = false;
    try {
      encrypted = envelopeHeaderOf(text, location) !== undefined;
      const session = parseSession(await openFileText(text, location, keys), { file: location });
      const expiry = sessionExpiry(session, { now });
      const tag = encrypted ? 'encrypted, ' : '';
      const until = expiry.expiresAt === undefined ? '' : ` ${new Date(expiry.expiresAt * 1000).toISOString()}`;
      const from = expiry.source ? ` (${expiry.source})` : '';
      const again = session.login ? `sessionjar refresh ${name}` : `sessionjar record ${name} --url <login-url>`;
      if (expiry.state === 'expired') checks.push({ id, status: 'fail', message: `${name}: ${tag}expired${until}${from}`, fix: again });
      else if (expiry.state === 'expiring') checks.push({ id, status: 'warn', message: `${name}: ${tag}expires soon,${until}${from}`, fix: again });
      else if (expiry.state === 'valid') checks.push({ id, status: 'ok', message: `${name}: ${tag}valid until${until}${from}` });
      else checks.push({ id, status: 'ok', message: `${name}: ${tag}no expiry known (session cookies only); ${askServer(name, session.login)}` });
    } catch (error) {
      if (isSessionjarError(error, 'PASSPHRASE_REQUIRED')) {
        checks.push({
          id,
          status: interactive ? 'warn' : 'fail',
          message: `${name}: encrypted, and no passphrase or key is available${interactive ? ' (commands will ask for it at this terminal)' : ''}`,
          fix: 'set SESSIONJAR_PASSPHRASE (or SESSIONJAR_KEY_FILE for a key-file encrypted session) where sessionjar runs',
        });
      } else {
        const message = (error as Error).message.split('\n')[0] ?? '';
        checks.push({ id, status: 'fail', message, fix: isSessionjarError(error, 'ENCRYPTION_ERROR') && encrypted ? 'check SESSIONJAR_PASSPHRASE / SESSIONJAR_KEY_FILE; if the file was modified, re-record the session' : `fix the file, or re-record: sessionjar record ${name} --url <login-url>` });
      }
    }
  }
  return checks;
}

/** How to ask the server whether an undated session still works: its probe, or how to add one. */
function askServer(name: string, login: Session['login']): string {
  if (login?.probe) return `\`sessionjar status ${name} --probe\` asks the server`;
  if (login) return `add a probe to ask the server: \`sessionjar edit ${name} --probe <url>\`, then \`sessionjar status ${name} --probe\``;
  return `add a probe to ask the server: \`sessionjar edit ${name} --login-url <url> --probe <url>\`, then \`sessionjar status ${name} --probe\``;
}

async function sessionFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
}

async function readNoFollow(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function git(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('git', args, { cwd, timeout: 10_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** The folder as a .gitignore pattern anchored at the repository root: `/recordings/`. */
function gitPattern(dir: string, root: string): string {
  return `/${relative(root, dir).split('\\').join('/')}/`;
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function octal(info: Stats): string {
  return `0${(info.mode & 0o777).toString(8)}`;
}

function quote(s: string): string {
  return /^[\w./@:-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
