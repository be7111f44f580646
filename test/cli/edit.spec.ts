import { expect, test } from '@playwright/test';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp-dir.js';

// Issue 10: `sessionjar edit` adds a probe, logged-out signals, header rules and headers to a stored
// session, through the real binary (npm run build first).

/** /me answers 200 either way, with a sign-in page when the sid cookie is not "good"; /echo echoes the request headers. */
let server: TestServer;
test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/me') {
      const good = /(^|; )sid=good(;|$)/.test(req.headers.cookie ?? '');
      res.writeHead(200, { 'content-type': 'text/html' }).end(good ? '<p>Hello alice</p>' : '<form><button>Log in</button></form>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ headers: req.headers }));
  });
});
test.afterAll(async () => {
  await server.close();
});

async function importState(root: string, name: string, sid: string): Promise<string> {
  const cookie = (n: string, value: string) => ({ name: n, value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: false, secure: false, sameSite: 'Lax' });
  const file = join(root, `${name}.state.json`);
  await writeFile(file, JSON.stringify({ cookies: [cookie('sid', sid), cookie('csrftoken', 'tok-123')], origins: [] }));
  expect((await runCli(root, ['import', file, '--as', name])).status).toBe(0);
  return join(root, 'recordings', `${name}.json`);
}

const echoed = (stdout: string) => (JSON.parse(stdout) as { headers: Record<string, string> }).headers;

test('issue 10: edit adds a probe, logged-out signals, a cookie header rule and a header; status and request use them', async () => {
  const root = tempDir('sj-edit-');
  const file = await importState(root, 'wiki', 'good');
  const o = server.origin;
  const before = await readFile(file, 'utf8');

  const noLogin = await runCli(root, ['edit', 'wiki', '--probe', `${o}/me`]);
  expect(noLogin).toEqual({
    status: 2,
    stdout: '',
    stderr: 'sessionjar: error [USAGE]: session "wiki" has no login block (it was imported, not recorded); add --login-url <url>, the page a re-login starts at, to create one with the probe and logged-out signals.\n',
  });
  expect(await readFile(file, 'utf8')).toBe(before);

  const edit = await runCli(root, [
    'edit', 'wiki', '--login-url', `${o}/login`, '--probe', `${o}/me`, '--probe-status', '200',
    '--logged-out-status', '401', '--logged-out-body-regex', 'Log in',
    '--header-rule', `X-CSRF-Token=cookie:csrftoken@${o}`, '--header', 'X-Requested-With: sessionjar',
  ]);
  expect(edit).toEqual({
    status: 0,
    stdout: [
      `login URL: ${o}/login`,
      `probe: GET ${o}/me (expects status 200)`,
      'logged out when: statuses 401, body /Log in/',
      `header rule X-CSRF-Token: {value} from cookie "csrftoken", sent to ${o}`,
      'header X-Requested-With (every origin)',
      'saved recordings/wiki.json',
      '',
    ].join('\n'),
    stderr: '',
  });
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  const saved = JSON.parse(await readFile(file, 'utf8')) as { login: unknown; headers: { rules: unknown[] } };
  expect(saved.login).toEqual({
    url: `${o}/login`,
    env: [],
    probe: { url: `${o}/me`, method: 'GET', expect: { status: [200] } },
    loggedOut: { statuses: [401], redirectTo: [], bodyRegex: 'Log in' },
  });

  const sent = await runCli(root, ['request', 'wiki', `${o}/echo`]);
  expect(echoed(sent.stdout)).toMatchObject({ 'x-csrf-token': 'tok-123', 'x-requested-with': 'sessionjar' });
  expect((await runCli(root, ['status', 'wiki', '--probe'])).status).toBe(0);

  // The same edits on a session the server no longer knows: the body regex tells it is logged out.
  await importState(root, 'stale', 'bad');
  expect((await runCli(root, ['edit', 'stale', '--login-url', `${o}/login`, '--probe', `${o}/me`, '--logged-out-body-regex', 'Log in'])).status).toBe(0);
  const stale = await runCli(root, ['status', 'stale', '--probe']);
  expect(stale.status).toBe(10);
  expect(stale.stdout).toContain('answered as logged out (body matches /Log in/)');

  const removed = await runCli(root, ['edit', 'wiki', '--remove-header-rule', 'X-CSRF-Token', '--remove-header', 'x-requested-with', '--remove-probe', '--json']);
  expect(JSON.parse(removed.stdout)).toEqual({
    name: 'wiki',
    location: 'recordings/wiki.json',
    changes: ['removed the probe', 'removed header rule X-CSRF-Token', 'removed header X-Requested-With (every origin)'],
  });
  const after = echoed((await runCli(root, ['request', 'wiki', `${o}/echo`])).stdout);
  expect(after['x-csrf-token']).toBeUndefined();
  expect(after['x-requested-with']).toBeUndefined();
});

test('issue 10: edit binds credential headers and storage rules to origins, and names the option at fault', async () => {
  const root = tempDir('sj-edit-bad-');
  await importState(root, 's', 'good');
  const o = server.origin;
  const fail = async (args: string[]) => {
    const run = await runCli(root, ['edit', 's', ...args]);
    expect(run.status).toBe(2);
    return run.stderr;
  };
  expect(await fail(['--header', 'X-API-Key: k-1'])).toContain('--header: X-API-Key carries a credential; bind it to the one origin it is for with --header-origin <origin>');
  expect(await fail(['--header', 'Cookie: a=b', '--header-origin', o])).toContain('--header: "Cookie" is not a header a session keeps (cookies live in the jar');
  expect(await fail(['--header-rule', 'X-CSRF=cookie:csrftoken'])).toContain('--header-rule: "X-CSRF=cookie:csrftoken" is not a rule');
  expect(await fail(['--header-rule', `X-CSRF=csrftoken@${o}`])).toContain('has no source "csrftoken"');
  expect(await fail(['--header-rule', `X-CSRF=cookie:c@${o}/path`])).toContain(`--header-rule: "${o}/path" has a path; give an origin such as ${o}`);
  expect(await fail(['--login-url', `${o}/login`, '--logged-out-status', '2xx'])).toContain('--logged-out-status: "2xx" is not an HTTP status; give three-digit statuses');
  expect(await fail(['--login-url', `${o}/login`, '--logged-out-body-regex', '(['])).toContain('--logged-out-body-regex: "([" cannot be used: not a valid regular expression');
  expect(await fail(['--remove-header-rule', 'Authorization'])).toContain('--remove-header-rule: the session has no rule for Authorization.');
  expect(await fail([])).toContain('nothing to change');

  const ok = await runCli(root, [
    'edit', 's', '--header-origin', `${o}/`, '--header', 'X-API-Key: k-1',
    '--header-rule', `Authorization=Bearer localStorage(https://app.example):auth#access_token@https://api.example,${o}`,
  ]);
  expect(ok.status).toBe(0);
  expect(ok.stdout).not.toContain('k-1');
  expect(ok.stderr).toBe('sessionjar: warning: --header-rule Authorization: the session holds no localStorage "auth" field access_token of https://app.example now; the header is sent once it does.\n');
  const saved = JSON.parse(await readFile(join(root, 'recordings', 's.json'), 'utf8')) as { headers: unknown };
  expect(saved.headers).toEqual({
    default: {},
    origins: { [o]: { 'X-API-Key': 'k-1' } },
    rules: [
      {
        header: 'Authorization',
        from: { storage: 'localStorage', origin: 'https://app.example', key: 'auth', jsonPath: 'access_token' },
        template: 'Bearer {value}',
        origins: ['https://api.example', o],
      },
    ],
  });
  // A new rule for the same header and origin replaces the old one there; elsewhere it stays.
  expect((await runCli(root, ['edit', 's', '--header-rule', `Authorization=Token token={cookie:sid}@${o}`])).status).toBe(0);
  const rules = (JSON.parse(await readFile(join(root, 'recordings', 's.json'), 'utf8')) as { headers: { rules: { template: string; origins: string[] }[] } }).headers.rules;
  expect(rules.map((r) => [r.template, r.origins])).toEqual([
    ['Bearer {value}', ['https://api.example']],
    ['Token token={value}', [o]],
  ]);
  expect(echoed((await runCli(root, ['request', 's', `${o}/echo`])).stdout)).toMatchObject({ authorization: 'Token token=good', 'x-api-key': 'k-1' });
});

test('issue 10: edit leaves a file that fails to load as it is, and concurrent edits both land', async () => {
  const root = tempDir('sj-edit-lock-');
  await importState(root, 's', 'good');
  const broken = join(root, 'recordings', 'broken.json');
  await writeFile(broken, '{"version": 1, "cookies": [');
  const run = await runCli(root, ['edit', 'broken', '--header', 'X-A: 1']);
  expect(run.status).toBe(4);
  expect(run.stderr).toContain('[SESSION_INVALID]');
  expect(await readFile(broken, 'utf8')).toBe('{"version": 1, "cookies": [');

  const edits = await Promise.all(['A', 'B', 'C'].map((n) => runCli(root, ['edit', 's', '--header', `X-${n}: ${n}`])));
  expect(edits.map((e) => e.status)).toEqual([0, 0, 0]);
  const saved = JSON.parse(await readFile(join(root, 'recordings', 's.json'), 'utf8')) as { headers: { default: Record<string, string> } };
  expect(saved.headers.default).toEqual({ 'X-A': 'A', 'X-B': 'B', 'X-C': 'C' });
});
