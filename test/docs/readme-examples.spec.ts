import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { startEchoServer } from '../helpers/echo-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cookie, sessionWith } from '../replay/fixtures.js';

const run = promisify(execFile);
const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/^```(?:js|ts)\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');

// A fence left open turns the rest of the README into code: every fence closes before the next
// section heading (## and deeper; a lone # is a shell comment inside a block).
test('every code fence in the README is closed before the next heading', () => {
  let open: number | undefined;
  for (const [i, line] of readme.split('\n').entries()) {
    if (line.startsWith('```')) open = open === undefined ? i + 1 : undefined;
    else if (open !== undefined && /^#{2,6} /.test(line)) throw new Error(`README.md:${open}: a code fence is still open at the heading on line ${i + 1}`);
  }
  expect(open, 'the last code fence is never closed').toBeUndefined();
});

// Users paste these into an .mjs file on the Node.js the package supports (20): they must parse there.
test('every code example in the README is valid JavaScript on this Node.js', async () => {
  expect(blocks.length).toBeGreaterThan(3);
  const dir = tempDir('sj-readme-');
  for (const [i, code] of blocks.entries()) {
    const file = join(dir, `example-${i + 1}.mjs`);
    writeFileSync(file, code);
    await expect(run(process.execPath, ['--check', file]), `README example ${i + 1}:\n${code}`).resolves.toBeTruthy();
  }
});

test('the first library example runs as written, against a loopback server', async () => {
  const server = await startEchoServer();
  try {
    const dir = tempDir('sj-readme-');
    const sessionFile = join(dir, 'github.json');
    writeFileSync(sessionFile, JSON.stringify(sessionWith([cookie('sid', 's1', '127.0.0.1')])));
    const first = blocks.find((b) => b.includes("from 'sessionjar'"))!;
    const code = first
      .replace("'sessionjar'", JSON.stringify(pathToFileURL(resolve('dist/index.js')).href))
      .replace("'github'", JSON.stringify(sessionFile))
      .replace(/'https:\/\/[^']+'/g, JSON.stringify(`${server.origin}/echo`));
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code);
    const { stdout } = await run(process.execPath, [file], { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    expect(stdout).toContain(`200 ${server.origin}/echo false`);
    expect(stdout).toContain('"cookie":"sid=s1"');
  } finally {
    await server.close();
  }
});

// Merges have copied whole README sections twice; a reader then finds two differing answers.
test('no README heading appears twice', () => {
  const headings = readme.split('\n').filter((line) => /^#{1,4} /.test(line));
  const repeated = headings.filter((h, i) => headings.indexOf(h) !== i);
  expect(repeated).toEqual([]);
});
