import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** The bundled CLI (npm run build first). */
export const CLI = resolve('dist/cli.js');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js <args>` in `cwd` with only PATH (and `env`) set: no user's SESSIONJAR_* leaks in. */
export function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      done({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}
