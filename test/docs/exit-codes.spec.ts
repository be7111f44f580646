import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { EXEC_EXIT_CODES, EXIT_CODES, STATUS_EXIT_CODES } from '../../src/core/exit-codes.js';

// The README's "Exit statuses" table and src/core/exit-codes.ts say the same: every status a
// command can exit with has its row, and every row is one the code uses.
const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('\n## Exit statuses\n'), readme.indexOf('\n## ', readme.indexOf('\n## Exit statuses\n') + 1));
const rows = new Map(
  section
    .split('\n')
    .filter((line) => /^\| (\d+|128 \+ N) \|/.test(line))
    .map((line) => [line.split('|')[1]?.trim() as string, line] as const),
);

test('every error code is in the row of its exit status', () => {
  for (const [code, status] of Object.entries(EXIT_CODES)) {
    expect(rows.get(String(status)), `README "Exit statuses": no row ${status} naming ${code}`).toContain(`\`${code}\``);
  }
});

test('the statuses of `status` and `exec` have their rows too', () => {
  for (const [state, status] of Object.entries(STATUS_EXIT_CODES)) {
    if (status === 0) continue;
    expect(rows.get(String(status)), `README "Exit statuses": no row ${status} for status's ${state}`).toContain(`\`${state}\``);
  }
  for (const status of Object.values(EXEC_EXIT_CODES)) expect(rows.get(String(status)), `no row ${status}`).toContain('`exec`');
  expect(rows.get('128 + N')).toContain('`exec`');
});

test('every row is a status the code uses', () => {
  const used = new Set(['0', '128 + N', ...[...Object.values(EXIT_CODES), ...Object.values(STATUS_EXIT_CODES), ...Object.values(EXEC_EXIT_CODES)].map(String)]);
  for (const status of rows.keys()) expect(used.has(status), `README "Exit statuses" row ${status} is used by no code`).toBe(true);
});
