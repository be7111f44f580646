import { expect, test } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { tempDir } from '../helpers/temp-dir.js';

// Issue 10: an imported storageState of an SPA must send the token its page sent (npm run build first).

function jwt(payload: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

let server: EchoServer;
test.beforeAll(async () => {
  server = await startEchoServer();
});
test.afterAll(async () => {
  await server.close();
});

test('issue 10: import --from playwright turns a JWT in localStorage into an Authorization rule for its origin and says so', async () => {
  const root = tempDir('sj-import-rules-');
  const access = jwt({ sub: 'alice', exp: 4_102_444_800 });
  const refresh = jwt({ sub: 'alice', typ: 'refresh' });
  const state = {
    cookies: [],
    origins: [
      {
        origin: server.origin,
        localStorage: [
          { name: 'theme', value: 'dark' },
          { name: 'auth', value: JSON.stringify({ refresh_token: refresh, access_token: access, token_type: 'bearer' }) },
        ],
      },
    ],
  };
  await writeFile(join(root, 'state.json'), JSON.stringify(state));
  const imported = await runCli(root, ['import', 'state.json', '--from', 'playwright', '--as', 'spa']);
  expect(imported.status).toBe(0);
  expect(imported.stderr).toBe(
    `sessionjar: import derived: header rule Authorization: Bearer {value} from the JWT in localStorage "auth" field access_token of ${server.origin}, sent to ${server.origin} only\n`,
  );
  expect(imported.stderr).not.toContain(access);

  const saved = JSON.parse(await readFile(join(root, 'recordings', 'spa.json'), 'utf8')) as { headers: { rules: unknown[] } };
  expect(saved.headers.rules).toEqual([
    { header: 'Authorization', from: { storage: 'localStorage', origin: server.origin, key: 'auth', jsonPath: 'access_token' }, template: 'Bearer {value}', origins: [server.origin] },
  ]);

  const res = await runCli(root, ['request', 'spa', `${server.origin}/echo`]);
  expect(res.status).toBe(0);
  expect((JSON.parse(res.stdout) as { headers: Record<string, string> }).headers.authorization).toBe(`Bearer ${access}`);
  // Another origin (the same server as localhost) gets no token.
  const other = await runCli(root, ['request', 'spa', `${server.origin.replace('127.0.0.1', 'localhost')}/echo`]);
  expect((JSON.parse(other.stdout) as { headers: Record<string, string> }).headers.authorization).toBeUndefined();

  const json = await runCli(root, ['import', 'state.json', '--as', 'spa2', '--json']);
  expect(JSON.parse(json.stdout)).toMatchObject({ format: 'playwright', derived: [expect.stringContaining('Authorization: Bearer {value}')] });
});
