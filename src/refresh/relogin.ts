import { mergeCookies } from '../session/merge.js';
import type { Login, OriginState, Session } from '../session/schema/index.js';
import type { Strategy, StrategyContext } from './strategy.js';

/**
 * (c) and (d): a browser login, through record's loginWithRecipe. record/ (and so Playwright) is
 * imported only here and only when the strategy runs: a plain request never loads it.
 */
async function browserLogin(login: Login, context: StrategyContext, headed: boolean): Promise<Session> {
  const { loginWithRecipe } = await import('../record/login.js');
  return loginWithRecipe(login, { env: context.env, headed, browserPath: context.browserPath, timeoutMs: context.timeoutMs, onStatus: context.log });
}

export const recipeStrategy: Strategy = {
  id: 'recipe',
  title: 'recorded recipe (headless browser)',
  skip(session, context) {
    const login = session.login;
    if (!login) return 'the session was imported, with no login block or recipe';
    if (!login.steps && !login.recipe) return 'the session was recorded by hand, with no recipe';
    const missing = login.env.filter((name) => context.env[name] === undefined);
    return missing.length > 0 ? `the recipe needs environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, unset here` : undefined;
  },
  async run(session, context) {
    if (!session.login) throw new Error('no login block');
    return adoptLogin(session, await browserLogin(session.login, context, false));
  },
};

export const interactiveStrategy: Strategy = {
  id: 'interactive',
  title: 'interactive login (a person, in a browser window)',
  skip(session, context) {
    if (!session.login) return 'the session has no login block';
    if (!context.interactive) return 'no person at a terminal with a display';
    return undefined;
  },
  async run(session, context) {
    if (!session.login) throw new Error('no login block');
    const { steps: _steps, recipe: _recipe, ...byHand } = session.login;
    context.log(`log in to ${session.login.url} in the browser window`);
    return adoptLogin(session, await browserLogin(byHand, context, true));
  },
};

/**
 * The fresh login's state over the stored one: its cookies replace same-named ones, its storage keys
 * and per-origin headers win, its header rules and tokens replace the old when it found any. The
 * login block, name and creation time stay.
 */
export function adoptLogin(current: Session, fresh: Session, nowMs = Date.now()): Session {
  const cookies = mergeCookies(current.cookies, { set: fresh.cookies.map((c) => ({ ...c, setAt: nowMs })), removed: [] }, nowMs / 1000);
  const origins = new Map<string, OriginState>(current.origins.map((o) => [o.origin, o]));
  for (const o of fresh.origins) {
    const old = origins.get(o.origin);
    origins.set(o.origin, old ? { ...old, ...o, localStorage: { ...old.localStorage, ...o.localStorage }, sessionStorage: { ...old.sessionStorage, ...o.sessionStorage } } : o);
  }
  const headerOrigins = { ...current.headers.origins };
  for (const [origin, headers] of Object.entries(fresh.headers.origins)) headerOrigins[origin] = { ...headerOrigins[origin], ...headers };
  return {
    ...current,
    cookies,
    origins: [...origins.values()],
    headers: {
      default: { ...current.headers.default, ...fresh.headers.default },
      origins: headerOrigins,
      rules: fresh.headers.rules.length > 0 ? fresh.headers.rules : current.headers.rules,
    },
    ...(fresh.tokens || current.tokens ? { tokens: fresh.tokens ?? current.tokens } : {}),
  };
}
