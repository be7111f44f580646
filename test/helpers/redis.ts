import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

export interface RedisServer {
  /** Its folder (socket, and nothing else: no persistence). */
  dir: string;
  /** `unix:///…/r.sock?db=0`, for --store and openStore. */
  url: string;
  socket: string;
  pid: number;
  /** Stops it by its PID and waits for it to exit. */
  stop(): Promise<void>;
}

// Servers still running when the test worker exits (a test failed before its stop) end with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const INSTALL_HINT = 'redis-server is not installed: run `bash scripts/install-redis.sh` (CI and `npm test` run it)';

/**
 * A private redis-server (Debian's) on a unix socket in a fresh folder: no TCP port, no
 * persistence, extra `args` as redis-server options (`['--maxmemory-policy', 'allkeys-lru']`).
 * Throws, failing the test, when redis-server is missing: tests that need Redis never skip.
 * `dir`: the folder of a server stopped before, to start it again on the same socket.
 */
export async function startRedis(args: string[] = [], dir = tempDir('sj-redis-')): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error(INSTALL_HINT);
  const socket = join(dir, 'r.sock');
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  await ready(child, 10_000);
  const pid = child.pid as number;
  return {
    dir,
    url: `unix://${socket}?db=0`,
    socket,
    pid,
    stop: () => stopChild(child),
  };
}

function ready(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections') || output.includes('ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`redis-server exited (status ${code}) before it was ready:\n${output}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid as number, 'SIGTERM');
  });
}
