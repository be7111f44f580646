import { expect, test } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSessionjarError } from '../../src/core/errors.js';
import { checkEnv, envNamesOf, loadRecipe, parseRecipe, resolveGoto, substituteEnv } from '../../src/record/recipe.js';
import { prepareLogin } from '../../src/record/record.js';
import { describeSuccess } from '../../src/record/wait.js';
import { matchesUrlPattern } from '../../src/session/url-pattern.js';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sj-recipe-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

test('a JSON recipe with steps, success and probe loads', async () => {
  const file = join(dir, 'r.json');
  await writeFile(file, JSON.stringify({ steps: [{ goto: '/login' }, { click: 'text=Sign in' }], success: { cookie: 'sid' }, probe: { url: 'https://x.example/me' } }));
  expect(await loadRecipe(file)).toEqual({
    kind: 'steps',
    file,
    steps: [{ goto: '/login' }, { click: 'text=Sign in' }],
    success: { cookie: 'sid' },
    probe: { url: 'https://x.example/me', method: 'GET', expect: {} },
  });
});

test('a YAML recipe may be a bare list of steps; `until` means success', async () => {
  const file = join(dir, 'r.yaml');
  await writeFile(file, '- fill: "#user"\n  value: ${env:U}\n- press: "#user"\n  key: Enter\n');
  expect(await loadRecipe(file)).toMatchObject({ kind: 'steps', steps: [{ fill: '#user', value: '${env:U}' }, { press: '#user', key: 'Enter' }] });
  expect(parseRecipe({ steps: [], until: { url: '**/home' } }, 'x.json')).toEqual({ kind: 'steps', steps: [], success: { url: '**/home' } });
});

test('a bad step is named by file and JSON path, with what is wrong', async () => {
  const file = join(dir, 'bad.json');
  await writeFile(file, JSON.stringify({ steps: [{ goto: '/login' }, { fill: '#user' }, { clik: 'a' }, { click: 'a', fill: 'b' }] }));
  const error = await failure(loadRecipe(file));
  expect(isSessionjarError(error, 'RECIPE_INVALID')).toBe(true);
  expect(error.message).toBe(
    [
      `${file}: not a valid recipe:`,
      '✖ not a step (unknown action "clik"; did you mean "click"?): a step has exactly one of goto, fill, click, press, check, select, waitFor, totp',
      '  → at steps[2]',
      '✖ more than one action (click, fill): a step has exactly one of goto, fill, click, press, check, select, waitFor, totp',
      '  → at steps[3]',
      '✖ Invalid input: expected string, received undefined',
      '  → at steps[1].value',
      'See docs/recipes.md for the step format.',
    ].join('\n'),
  );
});

test('a misspelt step action is named with the action it was probably meant to be', async () => {
  const error = await failure(() => parseRecipe({ steps: [{ Fil: '#user', value: 'x' }, { waitfor: { url: '**' } }, { foo: 1 }, {}] }, 'r.json'));
  expect(error.message.split('\n').filter((l) => l.startsWith('✖')).map((l) => l.split(':')[0])).toEqual([
    '✖ not a step (unknown action "Fil"; did you mean "fill"?)',
    '✖ not a step (unknown action "waitfor"; did you mean "waitFor"?)',
    '✖ not a step (unknown action "foo")',
    '✖ not a step',
  ]);
});

test('unknown top-level keys, bad JSON and a missing file are RECIPE_INVALID naming the file', async () => {
  expect((await failure(() => parseRecipe({ steps: [], succes: {} }, 'r.json'))).message).toContain('r.json: not a valid recipe:\n✖ Unrecognized key: "succes"');
  await writeFile(join(dir, 'broken.json'), '{ "steps": [ }');
  const bad = await failure(loadRecipe(join(dir, 'broken.json')));
  expect(isSessionjarError(bad, 'RECIPE_INVALID')).toBe(true);
  expect(bad.message).toMatch(/broken\.json: not valid JSON \(/);
  expect((await failure(loadRecipe(join(dir, 'none.yaml')))).message).toBe(`${join(dir, 'none.yaml')}: cannot read the recipe (ENOENT). Check the --recipe path.`);
});

test('a script recipe must export a default function', async () => {
  await writeFile(join(dir, 'ok.mjs'), 'export default async ({ page }) => { await page.goto("about:blank"); };');
  await writeFile(join(dir, 'no.mjs'), 'export const login = 1;');
  expect(await loadRecipe(join(dir, 'ok.mjs'))).toMatchObject({ kind: 'script', file: join(dir, 'ok.mjs') });
  expect((await failure(loadRecipe(join(dir, 'no.mjs')))).message).toBe(
    `${join(dir, 'no.mjs')}: a script recipe must export a default function: export default async ({ page, context, env, totp }) => { ... }`,
  );
});

test('${env:NAME} substitution; a missing variable is named, its neighbours\' values never shown', () => {
  const env = { USER_NAME: 'alice', PASS: 's3cret-value' };
  expect(substituteEnv('${env:USER_NAME}@example.com', env, 'r.json: steps[1].value')).toBe('alice@example.com');
  expect(substituteEnv('no refs', env, 'x')).toBe('no refs');
  const error = (() => {
    try {
      checkEnv([{ fill: '#u', value: '${env:USER_NAME}' }, { fill: '#p', value: '${env:PASS}${env:MISSING_ONE}' }], env, 'r.json');
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected an error');
  })();
  expect(isSessionjarError(error, 'RECIPE_INVALID')).toBe(true);
  expect(error.message).toBe('r.json: steps[1].value uses ${env:MISSING_ONE}, but the environment variable MISSING_ONE is not set. Set it before recording (export MISSING_ONE=...).');
  expect(error.message).not.toContain('s3cret');
  expect(() => checkEnv([{ totp: '#code', secretEnv: 'TOTP_SECRET' }], env, 'r.json')).toThrow(
    'r.json: steps[0].secretEnv names TOTP_SECRET, but that environment variable is not set. Set it to the base32 TOTP secret before recording.',
  );
});

test('env names used by steps are collected (values never)', () => {
  expect(envNamesOf([{ goto: '${env:BASE}/login' }, { fill: '#u', value: '${env:U}' }, { fill: '#p', value: '${env:P}' }, { totp: '#c', secretEnv: 'T' }, { click: 'b' }])).toEqual(['BASE', 'U', 'P', 'T']);
});

test('relative goto targets resolve against the login URL (the demo has dynamic ports)', () => {
  expect(resolveGoto('/login', 'http://127.0.0.1:4321/start?x=1')).toBe('http://127.0.0.1:4321/login');
  expect(resolveGoto('next', 'http://127.0.0.1:4321/a/b')).toBe('http://127.0.0.1:4321/a/next');
  expect(resolveGoto('https://other.example/x', 'http://127.0.0.1:4321/')).toBe('https://other.example/x');
});

test('prepareLogin: URL from --url or the recipe, CLI conditions over the recipe\'s, token endpoint resolved', async () => {
  const file = join(dir, 'r.json');
  await writeFile(file, JSON.stringify({ url: '${env:BASE}/login', steps: [], success: { selector: '#me' }, tokenEndpoint: '/oauth/token' }));
  const prepared = await prepareLogin({ url: '', recipe: file, until: { cookie: 'sid' } }, { BASE: 'http://127.0.0.1:9' });
  expect(prepared).toMatchObject({ url: 'http://127.0.0.1:9/login', success: { selector: '#me', cookie: 'sid' }, tokenEndpoint: 'http://127.0.0.1:9/oauth/token' });
  expect((await failure(prepareLogin({ url: '' }, {}))).message).toBe('no login URL: pass --url <login-url> (or put "url" in the recipe).');
  expect((await failure(prepareLogin({ url: 'example.com/login' }, {}))).message).toBe('--url: "example.com/login" is not an absolute URL; give one like https://example.com/login.');
});

test('loggedOut in a recipe is the session\'s block (defaults filled); a regex that cannot compile or a non-status is RECIPE_INVALID', async () => {
  expect(parseRecipe({ steps: [], loggedOut: { bodyRegex: 'Please sign in', jsonPath: 'error.code' } }, 'r.json').loggedOut).toEqual({
    statuses: [401, 419, 440],
    redirectTo: [],
    bodyRegex: 'Please sign in',
    jsonPath: 'error.code',
  });
  const regex = await failure(() => parseRecipe({ steps: [], loggedOut: { bodyRegex: '(unclosed' } }, 'r.json'));
  expect(isSessionjarError(regex, 'RECIPE_INVALID')).toBe(true);
  expect(regex.message).toContain('r.json: not a valid recipe:\n✖ not a valid regular expression (');
  expect(regex.message).toContain('→ at loggedOut.bodyRegex');
  expect((await failure(() => parseRecipe({ steps: [], loggedOut: { statuses: [200, 4011] } }, 'r.json'))).message).toContain('✖ 4011 is not an HTTP status (100-599)\n  → at loggedOut.statuses');
  expect((await failure(() => parseRecipe({ steps: [], loggedOut: { bodyregex: 'x' } }, 'r.json'))).message).toContain('Unrecognized key: "bodyregex"');
});

test('prepareLogin: each --logged-out-* field overrides the recipe\'s, the others are kept', async () => {
  const file = join(dir, 'r.json');
  await writeFile(file, JSON.stringify({ url: 'http://127.0.0.1:9/login', steps: [], loggedOut: { bodyRegex: 'Sign in', statuses: [401] } }));
  expect((await prepareLogin({ url: '', recipe: file, loggedOut: { statuses: [401, 403] } }, {})).loggedOut).toEqual({ statuses: [401, 403], redirectTo: [], bodyRegex: 'Sign in' });
  expect((await prepareLogin({ url: 'http://127.0.0.1:9/login', loggedOut: { jsonPath: 'error' } }, {})).loggedOut).toEqual({ statuses: [401, 419, 440], redirectTo: [], jsonPath: 'error' });
  expect((await prepareLogin({ url: 'http://127.0.0.1:9/login' }, {})).loggedOut).toBeUndefined();
});

test('--until-url globs and regexes match as documented', () => {
  expect(matchesUrlPattern('https://app.example/dashboard', '**/dashboard')).toBe(true);
  expect(matchesUrlPattern('https://app.example/dashboard?tab=1', '**/dashboard')).toBe(false);
  expect(matchesUrlPattern('https://app.example/dashboard?tab=1', '**/dashboard**')).toBe(true);
  expect(matchesUrlPattern('https://app.example/a/dashboard', 'https://app.example/*/dashboard')).toBe(true);
  expect(matchesUrlPattern('https://app.example/a/b/dashboard', 'https://app.example/*/dashboard')).toBe(false);
  expect(matchesUrlPattern('https://app.example/home', '/\\/(home|dashboard)$/')).toBe(true);
  expect(describeSuccess({ url: '**/home', cookie: 'sid', request: '**/api/**' })).toBe('a URL matching **/home and cookie "sid" and a request with credentials to **/api/**');
});
