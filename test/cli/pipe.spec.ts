import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { CLI } from '../helpers/cli.js';

// `sessionjar edit --help | head -3`: the reader closes the pipe after a few lines.
test('output into a pipe the reader closed early ends quietly, without a stack trace', async () => {
  const child = spawn(process.execPath, [CLI, 'edit', '--help'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '40' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).not.toContain('EPIPE');
  expect(code).toBe(0);
});
