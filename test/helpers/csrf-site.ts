import { randomBytes } from 'node:crypto';
import { readBody, startHttpServer, type TestServer } from './servers.js';

/**
 * A loopback site whose CSRF tokens live only in its HTML, one per session (cookie `DW`):
 * - DokuWiki-like: GET /doku.php shows a form with `<input type="hidden" name="sectok">`; POST
 *   /doku.php saves only with that sectok in the form body.
 * - Rails-like: GET /rails shows `<meta name="csrf-token">` (its value HTML-escaped); POST
 *   /rails/notes wants it as X-CSRF-Token.
 * - Django-like: GET /django sets a `csrftoken` cookie and shows `csrfmiddlewaretoken`; POST
 *   /django wants both to match.
 * Every POST answers 200 "saved <body>" or 403 with why.
 */
export async function startCsrfSite(): Promise<TestServer> {
  const tokens = new Map<string, string>();
  const django = new Map<string, string>();
  // + / = and & need encoding in a form and escaping in HTML: a token that has them tests both.
  const tokenFor = (sid: string) => tokens.get(sid) ?? (tokens.set(sid, `${randomBytes(9).toString('base64')}+/=&x`), tokens.get(sid) as string);
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return startHttpServer((req, res) => {
    void (async () => {
      const sid = /(?:^|; )DW=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const html = (body: string, headers: Record<string, string> = {}) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
      const deny = (why: string) => res.writeHead(403, { 'content-type': 'text/plain' }).end(`${why}\n`);
      if (!sid) return deny('not logged in');
      const token = tokenFor(sid);
      if (req.method === 'GET' && path === '/doku.php') {
        return html(
          `<!doctype html><!-- <input name="sectok" value="stale"> --><form method="post" action="/doku.php"><input type="hidden" name="id" value="start">` +
            `<input type=hidden value="${escape(token)}" name="sectok" /><textarea name="wikitext"></textarea></form>`,
        );
      }
      if (req.method === 'GET' && path === '/rails') {
        return html(`<html><head><meta name="csrf-param" content="authenticity_token"><meta content="${escape(token)}" name="csrf-token"></head></html>`);
      }
      if (req.method === 'GET' && path === '/django') {
        const value = randomBytes(12).toString('hex');
        django.set(sid, value);
        return html(`<form><input type='hidden' name='csrfmiddlewaretoken' value='${value}'></form>`, { 'set-cookie': `csrftoken=${value}; Path=/` });
      }
      if (req.method !== 'POST') return deny('no such page');
      const body = await readBody(req);
      const form = new URLSearchParams(body);
      if (path === '/doku.php' && form.get('sectok') !== token) return deny('Security Token did not match');
      if (path === '/rails/notes' && req.headers['x-csrf-token'] !== token) return deny("Can't verify CSRF token authenticity");
      if (path === '/django') {
        const cookie = /(?:^|; )csrftoken=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        if (!cookie || cookie !== django.get(sid) || form.get('csrfmiddlewaretoken') !== cookie) return deny('CSRF verification failed');
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`saved ${body}`);
    })();
  });
}
