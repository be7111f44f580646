// The sessions the benchmark replays, each with the exact headers it sends to the bench server's
// `/api/me`: raw undici sends those, fixed, so the two differ only in how the headers are made.
// run.mjs checks before measuring that sessionjar sends exactly these headers.
//
// - simple: 4 cookies on the server's host, a User-Agent, nothing per origin (the old benchmark).
// - realistic: what an SPA login leaves: 28 cookies over 25 domains (the app's, an identity
//   provider's, analytics and CDN cookies on other sites, one expired, one on /admin), a User-Agent
//   and Accept-Language, an `Authorization: Bearer` plus two more headers bound to the API origin,
//   a header rule echoing the CSRF cookie, a JWT with its expiry and a login block.
// - sweep: the realistic headers with `cookies` cookies over `domains` domains, of which the same 5
//   go to the server, so only the size of the jar changes.

const DAY = 86_400;

/** A JWT-shaped token (unsigned) that expires in a day: the refresher reads its `exp`. */
function jwt(now) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'bench', exp: now + DAY })}.c2lnbmF0dXJl`;
}

function cookie(name, value, domain, options = {}) {
  return {
    name,
    value,
    domain,
    hostOnly: options.hostOnly ?? true,
    path: options.path ?? '/',
    expires: options.expires ?? null,
    httpOnly: options.httpOnly ?? false,
    secure: options.secure ?? false,
    sameSite: options.sameSite ?? 'Lax',
  };
}

/** Cookies on other sites than the server: never sent to it, but in the jar. */
function foreignCookies(count, domains, now) {
  const out = [];
  for (let i = 0; i < count; i += 1) {
    const d = i % domains;
    // Every third site sets its cookie for the whole registrable domain, as analytics do.
    out.push(cookie(`_c${i}`, `v${i}.${now}.${'x'.repeat(24)}`, `site${d}.example`, { hostOnly: d % 3 !== 0, secure: d % 2 === 0, sameSite: 'None', expires: now + 30 * DAY }));
  }
  return out;
}

/**
 * @param {'simple' | 'realistic' | { cookies: number, domains: number }} shape
 * @param {string} origin the bench server origin the session was recorded against
 * @returns {{ doc: object, headers: Record<string, string> }}
 */
export function buildSession(shape, origin) {
  const now = Math.floor(Date.now() / 1000);
  const at = new Date().toISOString();
  const host = new URL(origin).hostname;
  const base = { version: 1, generator: 'sessionjar@0.1.0', name: 'bench', createdAt: at, updatedAt: at, origins: [] };

  if (shape === 'simple') {
    const cookies = [
      cookie('sid', 'ok-initial', host, { httpOnly: true }),
      cookie('theme', 'dark', host),
      cookie('csrftoken', 'c5rf0123456789', host),
      cookie('admin_ctx', 'x1', host, { path: '/admin', httpOnly: true }),
    ];
    const doc = { ...base, cookies, headers: { default: { 'user-agent': 'Mozilla/5.0 (bench)' }, origins: {}, rules: [] } };
    return { doc, headers: { 'user-agent': 'Mozilla/5.0 (bench)', cookie: 'sid=ok-initial; theme=dark; csrftoken=c5rf0123456789' } };
  }

  const token = jwt(now);
  const csrf = 'c5rf%3D0123456789abcdef';
  // The cookies the server gets, in the order a browser sends them.
  const own = [
    cookie('sid', 'ok-initial', host, { httpOnly: true, expires: now + 7 * DAY }),
    cookie('csrftoken', csrf, host),
  ];
  let others;
  if (shape === 'realistic') {
    others = [
      cookie('admin_ctx', 'x1', host, { path: '/admin', httpOnly: true }),
      cookie('idp_session', `s.${'i'.repeat(40)}`, 'login.idp.example', { httpOnly: true, secure: true, sameSite: 'None' }),
      cookie('idp_device', 'd-7f3a9c', 'idp.example', { hostOnly: false, secure: true, expires: now + 365 * DAY }),
      // Left over from an earlier visit: loading drops it, a browser would not send it.
      cookie('_promo', 'spring', 'site1.example', { hostOnly: false, expires: now - DAY }),
      ...foreignCookies(22, 22, now).map((c, i) => ({ ...c, domain: c.domain.replace(/^site\d+/, `site${i + 1}`) })),
    ];
  } else {
    // 5 to the server (sid, csrftoken and three more), the rest over the other domains.
    own.push(cookie('theme', 'dark', host), cookie('locale', 'en-GB', host), cookie('consent', 'all', host, { expires: now + 365 * DAY }));
    others = shape.domains > 1 ? foreignCookies(shape.cookies - own.length, shape.domains - 1, now) : [];
  }
  const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const acceptLanguage = 'en-GB,en;q=0.9';
  const perOrigin = { Authorization: `Bearer ${token}`, 'X-Api-Version': '2024-06-01', 'X-Client-Id': 'web-7.3.1' };
  const doc = {
    ...base,
    cookies: [...own, ...others],
    headers: {
      default: { 'User-Agent': userAgent, 'Accept-Language': acceptLanguage },
      origins: { [origin]: perOrigin, 'https://cdn.site1.example': { 'X-Cdn-Key': 'k1' } },
      rules: [{ header: 'X-CSRF-Token', from: { cookie: 'csrftoken' }, template: '{value}', origins: [origin] }],
    },
    login: { url: `${origin}/login`, env: [], loggedOut: { statuses: [401, 440], redirectTo: ['**/login*'] } },
    tokens: { jwts: [{ from: { header: 'authorization', origin }, exp: now + DAY }] },
  };
  const headers = {
    'user-agent': userAgent,
    'accept-language': acceptLanguage,
    authorization: perOrigin.Authorization,
    'x-api-version': perOrigin['X-Api-Version'],
    'x-client-id': perOrigin['X-Client-Id'],
    // The rule sends the cookie URI-decoded, as Angular and axios do.
    'x-csrf-token': decodeURIComponent(csrf),
    cookie: own.map((c) => `${c.name}=${c.value}`).join('; '),
  };
  return { doc, headers };
}

/** A short label for a shape, as the tables name it. */
export function shapeLabel(shape) {
  if (typeof shape === 'string') return shape;
  return `${shape.cookies} cookies over ${shape.domains} domain${shape.domains === 1 ? '' : 's'}`;
}
