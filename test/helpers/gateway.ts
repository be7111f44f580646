import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './cli.js';

/** A `sessionjar serve --json` process, with what its start line said. */
export interface GatewayProcess {
  child: ChildProcess;
  /** Local URL of the first target. */
  url: string;
  urls: { url: string; target: string }[];
  token: string;
  tokenFile: string;
  /** stderr so far: the log lines. */
  stderr(): string;
  /** SIGTERM, then the exit status. */
  stop(): Promise<number | null>;
}

/** Environment without proxies: nothing should sit between the gateway and loopback. */
export const NO_PROXY_ENV = { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', ALL_PROXY: '', all_proxy: '' };

/** Starts `sessionjar serve <name> --json <args>` in `dir` and waits for its start line. */
export function startGateway(dir: string, name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [CLI, '--dir', dir, 'serve', name, '--json', ...args], { env: { ...process.env, ...NO_PROXY_ENV, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr}`)), 15_000);
    void exited.then((code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line || !stdout.includes('\n')) return;
      clearTimeout(timer);
      const start = JSON.parse(line) as { urls: { url: string; target: string }[]; token: string; tokenFile: string };
      resolve({
        child,
        url: (start.urls[0] as { url: string }).url,
        urls: start.urls,
        token: start.token,
        tokenFile: start.tokenFile,
        stderr: () => stderr,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/** Writes a session file `name` in `dir` with these cookies (for `host`) and default headers. */
export function writeSessionFile(dir: string, name: string, cookies: Record<string, string>, host = '127.0.0.1', defaults: Record<string, string> = {}): void {
  const at = new Date().toISOString();
  const doc = {
    version: 1,
    generator: 'sessionjar@0.1.0',
    name,
    createdAt: at,
    updatedAt: at,
    cookies: Object.entries(cookies).map(([cookieName, value]) => ({
      name: cookieName, value, domain: host, hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, sameSite: 'Lax',
    })),
    origins: [],
    headers: { default: defaults, origins: {}, rules: [] },
  };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(doc, null, 2), { mode: 0o600 });
}
