import { expect, test } from '@playwright/test';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

// Mistakes a newcomer makes, through the real binary (npm run build first): each is a clear error
// naming the file or option and the next step, with its documented exit status, and touches nothing.

let root: string;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sj-cli-bad-'));
});
test.afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(root, args);

const COOKIES_TXT = '# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tTRUE\t0\tsid\tabc123\n';

test('a session name with a slash is refused on import and record instead of writing a stray file', async () => {
  await writeFile(join(root, 'cookies.txt'), COOKIES_TXT);
  const expected = {
    status: 2,
    stdout: '',
    stderr: 'sessionjar: error [USAGE]: "work/github" is a path (it has a "/") but does not end in .json: use a session name without "/" (such as "work-github"), or end the path in .json to write that file.\n',
  };
  expect(await cli('import', 'cookies.txt', '--as', 'work/github')).toEqual(expected);
  expect(await cli('record', 'work/github', '--url', 'http://127.0.0.1:9/login', '--recipe', 'none.json')).toEqual(expected);
  expect((await readdir(root)).sort()).toEqual(['cookies.txt']);
  // A path ending in .json is still a path.
  expect(await cli('import', 'cookies.txt', '--as', 'work/github.json')).toMatchObject({ status: 0, stdout: 'imported 1 cookie and 0 origins (netscape) into work/github.json\n' });
});

test('a YAML recipe loads in the bundled CLI (a misspelt step is named, not "not valid YAML")', async () => {
  await writeFile(join(root, 'login.yaml'), 'steps:\n  - fil: "#user"\n    value: me\n');
  expect(await cli('record', 'demo', '--url', 'http://127.0.0.1:9/login', '--recipe', 'login.yaml')).toEqual({
    status: 5,
    stdout: '',
    stderr: [
      'sessionjar: error [RECIPE_INVALID]: login.yaml: not a valid recipe:',
      '✖ not a step (unknown action "fil"; did you mean "fill"?): a step has exactly one of goto, fill, click, press, check, select, waitFor, totp',
      '  → at steps[0]',
      'See docs/recipes.md for the step format.',
      '',
    ].join('\n'),
  });
  expect(await readdir(root)).toEqual(['login.yaml']);
});

test('--dir naming a file says to point it at a folder, and leaves the file alone', async () => {
  await writeFile(join(root, 'afile'), 'mine');
  const listed = await cli('--dir', 'afile', 'list');
  expect(listed.status).toBe(6);
  expect(listed.stderr).toMatch(/^sessionjar: error \[IO_ERROR\]: cannot read the folder afile: ENOTDIR.* \(a file stands where a folder should be\)\. Point --dir or \$SESSIONJAR_DIR at a folder, not a file\.\n$/);
  const removed = await cli('--dir', 'afile', 'rm', 'github');
  expect(removed.status).toBe(6);
  expect(removed.stderr).toContain('cannot check afile/github.json: ENOTDIR');
  expect(removed.stderr).toContain('Point --dir or $SESSIONJAR_DIR at a folder, not a file.');
  expect(await readFile(join(root, 'afile'), 'utf8')).toBe('mine');
});

test('importing an empty file or a PNG creates no session and echoes no binary bytes', async () => {
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'pic.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
  const next = 'nothing was imported. Give a Playwright storageState (JSON), a cookies.txt, an HTTPie session or a sessionjar file.';
  expect(await cli('import', 'empty.txt', '--from', 'netscape')).toEqual({ status: 5, stdout: '', stderr: `sessionjar: error [INPUT_INVALID]: empty.txt: the file is empty; ${next}\n` });
  expect(await cli('import', 'pic.png', '--from', 'playwright')).toEqual({
    status: 5,
    stdout: '',
    stderr: `sessionjar: error [INPUT_INVALID]: pic.png: not a text file (binary content); ${next}\n`,
  });
  expect((await readdir(root)).sort()).toEqual(['empty.txt', 'pic.png']);
});
