import { expect, test } from '@playwright/test';
import { silentSsoStrategy } from '../../src/refresh/silent-sso.js';
import type { StrategyContext } from '../../src/refresh/strategy.js';
import { cookie, sessionWith } from '../replay/fixtures.js';
import { IDP_SESSION, startOidcPair, type OidcPair } from '../helpers/oidc-servers.js';

let oidc: OidcPair;
test.beforeAll(async () => {
  oidc = await startOidcPair();
});
test.afterAll(() => oidc.close());

const context = (log: string[]): StrategyContext => ({ env: {}, client: {}, interactive: false, log: (line) => log.push(line) });

test('issue 10: silent SSO through a chain that revisits the login URL with the new cookie (/login → IdP → /callback → /login → /profile)', async () => {
  const session = sessionWith([cookie('app_sid', 'expired-one', '127.0.0.1'), cookie('idp_sid', IDP_SESSION, 'localhost')], {
    login: { url: `${oidc.app.origin}/login`, env: [] },
  });
  const log: string[] = [];
  const fresh = await silentSsoStrategy.run(session, context(log));
  expect(fresh.cookies.find((c) => c.name === 'app_sid')?.value).toBe(`app-code-${oidc.codes()}`);
  expect(log).toContain(
    `redirect chain: ${oidc.app.origin}/login → ${oidc.idpOrigin}/authorize → ${oidc.app.origin}/callback → ${oidc.app.origin}/login → ${oidc.app.origin}/profile`,
  );
});
