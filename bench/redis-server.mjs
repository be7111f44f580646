// A private redis-server for the bench, as test/helpers/redis.ts starts one for the tests (which
// the bench does not import: it would load the test runner): Debian's redis-server on a unix
// socket in a fresh folder, no TCP port, no persistence, stopped by its PID.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {Promise<{ url: string, pid: number, stop: () => Promise<void> }>} */
export async function startRedis() {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: run `bash scripts/install-redis.sh`, or leave `redis` out of BENCH_ONLY');
  }
  const dir = mkdtempSync(join(tmpdir(), 'sj-bench-redis-'));
  const socket = join(dir, 'r.sock');
  const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve();
      }
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (status ${code}) before it was ready:\n${output}`));
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      process.kill(child.pid, 'SIGTERM');
    });
  return { url: `unix://${socket}?db=0`, pid: child.pid, stop };
}
