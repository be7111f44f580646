/**
 * The demo's HTML. Every login page uses the same field ids (#username, #password, #code, a submit
 * button) and every signed-in page marks the user with [data-user], so recipes read alike.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto}label{display:block;margin:.6rem 0}
input{display:block;width:100%;padding:.3rem}.error{color:#b00020}button{margin-top:.8rem}</style>
</head><body>
${body}
</body></html>`;
}

function errorLine(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}

export function loginPage(options: { title: string; action: string; hidden: Record<string, string>; error?: string }): string {
  return layout(
    options.title,
    `<h1>${escapeHtml(options.title)}</h1>
${errorLine(options.error)}
<form method="post" action="${escapeHtml(options.action)}">
${hidden(options.hidden)}
<label>Username <input id="username" name="username" autocomplete="username" required></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

export function totpPage(error?: string): string {
  return layout(
    'Two-step verification',
    `<h1>Two-step verification</h1>
${errorLine(error)}
<form method="post" action="/login/totp">
<label>Code from your authenticator app <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required></label>
<button type="submit">Verify</button>
</form>`,
  );
}

/**
 * The form app's home: it loads the user over XHR and, like axios, copies the XSRF-TOKEN cookie
 * into an X-XSRF-TOKEN header on every API call, so a recording sees that header on the wire.
 */
export function formHomePage(): string {
  return layout(
    'Demo (form login)',
    `<h1>Demo (form login)</h1>
<p>Signed in as <b id="who">…</b></p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>
<script>
const xsrf = decodeURIComponent((document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN=')) || '').slice(11));
fetch('/api/me', { headers: { Accept: 'application/json', 'X-XSRF-TOKEN': xsrf } })
  .then((res) => res.json())
  .then((me) => { const who = document.getElementById('who'); who.textContent = me.user; who.dataset.user = me.user; });
</script>`,
  );
}

export function appHomePage(user: string): string {
  return layout(
    'Demo (single sign-on)',
    `<h1>Demo (single sign-on)</h1>
<p>Signed in as <b id="who" data-user="${escapeHtml(user)}">${escapeHtml(user)}</b></p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/**
 * The single-page app: one HTML shell for / and /login. It keeps its tokens as one JSON value in
 * localStorage.auth, a tab id in sessionStorage and preferences in IndexedDB, sends the access
 * token as Authorization: Bearer, and renews it at /oauth/token when the API answers 401.
 */
export function spaPage(): string {
  return layout(
    'Demo (single-page app)',
    `<h1>Demo (single-page app)</h1>
<main id="app">Loading…</main>
<script>
const app = document.getElementById('app');
if (!sessionStorage.getItem('tab_id')) sessionStorage.setItem('tab_id', Math.random().toString(36).slice(2));

function auth() {
  try { return JSON.parse(localStorage.getItem('auth') || 'null'); } catch { return null; }
}
function keep(tokens) {
  localStorage.setItem('auth', JSON.stringify({
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    token_type: tokens.token_type,
    expires_at: Date.now() + tokens.expires_in * 1000,
  }));
}
function savePrefs() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('app', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('prefs');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('prefs', 'readwrite');
      tx.objectStore('prefs').put({ theme: 'dark', lang: 'en' }, 'ui');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  });
}
async function renew() {
  const current = auth();
  if (!current || !current.refresh_token) return false;
  const res = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current.refresh_token }),
  });
  if (!res.ok) return false;
  keep(await res.json());
  return true;
}
async function api(path) {
  const call = () => fetch(path, { headers: { Accept: 'application/json', Authorization: 'Bearer ' + (auth() || {}).access_token } });
  let res = await call();
  if (res.status === 401 && (await renew())) res = await call();
  return res;
}
async function showHome() {
  const res = await api('/api/me');
  if (!res.ok) return showLogin();
  const me = await res.json();
  app.innerHTML = '<p>Signed in as <b id="who"></b></p><button id="logout">Sign out</button>';
  const who = document.getElementById('who');
  who.textContent = me.user;
  who.dataset.user = me.user;
  document.getElementById('logout').onclick = () => { localStorage.removeItem('auth'); showLogin(); };
}
function showLogin(error) {
  history.replaceState(null, '', '/login');
  app.innerHTML = '<p class="error" role="alert" id="error"></p><form id="login">' +
    '<label>Username <input id="username" name="username" autocomplete="username" required></label>' +
    '<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>' +
    '<button type="submit">Sign in</button></form>';
  document.getElementById('error').textContent = error || '';
  document.getElementById('login').onsubmit = async (event) => {
    event.preventDefault();
    const res = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username: document.getElementById('username').value, password: document.getElementById('password').value }),
    });
    if (!res.ok) return showLogin('Invalid username or password.');
    keep(await res.json());
    await savePrefs();
    history.pushState(null, '', '/');
    await showHome();
  };
}
if (location.pathname === '/login' || !auth()) showLogin(); else showHome();
</script>`,
  );
}
