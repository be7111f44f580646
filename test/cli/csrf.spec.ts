import { expect, test } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startCsrfSite } from '../helpers/csrf-site.js';
import type { TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// Issue 10: `request --csrf-from` fills a token that lives only in page HTML (npm run build first).

let site: TestServer;
let root: string;
test.beforeAll(async () => {
  site = await startCsrfSite();
  root = tempDir('sj-csrf-');
  const cookie = { name: 'DW', value: 'session-1', domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' };
  await writeFile(join(root, 'state.json'), JSON.stringify({ cookies: [cookie], origins: [] }));
  expect((await runCli(root, ['import', 'state.json', '--as', 'wiki'])).status).toBe(0);
});
test.afterAll(async () => {
  await site.close();
});

const req = (...args: string[]) => runCli(root, ['request', 'wiki', ...args]);

test('issue 10: a DokuWiki-like sectok from a hidden input is added to the -d form body', async () => {
  const o = site.origin;
  const without = await req(`${o}/doku.php`, '-d', 'id=start&wikitext=Hi', '--fail');
  expect(without.status).toBe(22);

  const saved = await req(`${o}/doku.php`, '-d', 'id=start&wikitext=Hi', '--csrf-from', `${o}/doku.php?id=start&do=edit`, '--csrf-field', 'sectok', '--fail');
  expect(saved.stderr).toBe('');
  expect(saved.status).toBe(0);
  // The token's + / = & arrive intact: entity-decoded from the HTML, form-encoded in the body.
  expect(saved.stdout).toMatch(/^saved id=start&wikitext=Hi&sectok=[A-Za-z0-9%]+%2B%2F%3D%26x$/);
});

test('issue 10: a Rails-like csrf-token meta goes out as the --csrf-header, redacted in -v; the JSON body is untouched', async () => {
  const o = site.origin;
  const run = await req(`${o}/rails/notes`, '--json', '{"note":"x"}', '--csrf-from', `${o}/rails`, '--csrf-field', 'csrf-token', '--csrf-header', 'X-CSRF-Token', '-v', '--fail');
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('saved {"note":"x"}');
  expect(run.stderr).toContain(`> GET ${o}/rails`);
  expect(run.stderr).toMatch(/> x-csrf-token: \[redacted \d+ chars\]/i);
  expect(run.stderr).not.toContain('+/=&x');
});

test('issue 10: without a body the token is the form body; a cookie the page sets goes along (Django)', async () => {
  const run = await req(`${site.origin}/django`, '--csrf-from', `${site.origin}/django`, '--csrf-field', 'csrfmiddlewaretoken', '--fail');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^saved csrfmiddlewaretoken=[0-9a-f]{24}$/);
});

test('issue 10: a missing token, a page that is not 2xx and incomplete options are errors that say what to do', async () => {
  const o = site.origin;
  expect(await req(`${o}/doku.php`, '-d', 'a=1', '--csrf-from', `${o}/doku.php`, '--csrf-field', 'nope')).toEqual({
    status: 17,
    stdout: '',
    stderr: `sessionjar: error [TOKEN_NOT_FOUND]: GET ${o}/doku.php has no <input name="nope"> or <meta name="nope"> with a value. Check the field's name in the page source, or whether the session is still logged in (sessionjar status <name> --probe).\n`,
  });
  const notFound = await req(`${o}/doku.php`, '-d', 'a=1', '--csrf-from', `${o}/missing`, '--csrf-field', 'sectok');
  expect(notFound.status).toBe(22);
  expect(notFound.stderr).toContain(`GET ${o}/missing answered HTTP 403; the page that holds the "sectok" token must answer 2xx.`);
  expect((await req(`${o}/x`, '--csrf-from', `${o}/doku.php`)).stderr).toContain('--csrf-from needs --csrf-field <name>');
  expect((await req(`${o}/x`, '--csrf-field', 'sectok')).stderr).toContain('--csrf-field and --csrf-header need --csrf-from <page-url>');
  const json = await req(`${o}/x`, '--json', '[1]', '--csrf-from', `${o}/doku.php`, '--csrf-field', 'sectok');
  expect(json.status).toBe(2);
  expect(json.stderr).toContain('the JSON body is not an object');
});
