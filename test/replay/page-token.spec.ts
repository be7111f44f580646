import { expect, test } from '@playwright/test';
import { isSessionjarError } from '../../src/core/errors.js';
import { openSessionFrom } from '../../src/replay/client.js';
import { findPageToken } from '../../src/replay/page-token.js';
import { newSession } from '../../src/session/new-session.js';
import { startCsrfSite } from '../helpers/csrf-site.js';

// Issue 10: CSRF tokens that live only in page HTML, read by session.pageToken().

test('findPageToken reads inputs and metas by name, in any attribute order and quoting, skipping comments and empty values', () => {
  expect(findPageToken('<input type="hidden" name="sectok" value="a1b2" />', 'sectok')).toBe('a1b2');
  expect(findPageToken("<INPUT VALUE='q&amp;r&#43;&#x2F;' NAME='sectok'>", 'sectok')).toBe('q&r+/');
  expect(findPageToken('<input type=hidden name=csrfmiddlewaretoken value=abc123>', 'csrfmiddlewaretoken')).toBe('abc123');
  expect(findPageToken('<meta name="csrf-param" content="authenticity_token"><meta name="csrf-token" content="xyz==">', 'csrf-token')).toBe('xyz==');
  expect(findPageToken('<input data-x="a>b" name="t" value="after-gt">', 't')).toBe('after-gt');
  expect(findPageToken('<!-- <input name="t" value="old"> --><input name="t" value=""><input name="t" value="new">', 't')).toBe('new');
  expect(findPageToken('<input name="sectoken" value="x"><textarea name="sectok">y</textarea>', 'sectok')).toBeUndefined();
  expect(findPageToken('<input name="t" value="&#99999999;">', 't')).toBe('&#99999999;');
  // Pages of near-misses the size of the scan limit (4 MiB): a scan that restarted at every `<` would
  // take hours on these; a single pass takes milliseconds.
  expect(findPageToken('<input "'.repeat(500_000), 't')).toBeUndefined();
  expect(findPageToken('<!--'.repeat(1_000_000), 't')).toBeUndefined();
  expect(findPageToken(`${'<meta a=b '.repeat(400_000)}<input name="t" value="late">`, 't')).toBeUndefined();
  expect(findPageToken(`${'<meta a=b>'.repeat(400_000)}<input name="t" value="late">`, 't')).toBe('late');
});

test('issue 10: session.pageToken GETs the page with the session and returns its token; a POST with it is accepted', async () => {
  const site = await startCsrfSite();
  const base = newSession('wiki');
  const session = await openSessionFrom({
    ...base,
    cookies: [{ name: 'DW', value: 'lib-1', domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false }],
  });
  try {
    const sectok = await session.pageToken(`${site.origin}/doku.php?id=start&do=edit`, 'sectok');
    expect(sectok).toMatch(/\+\/=&x$/);
    const res = await session.fetch(`${site.origin}/doku.php`, { method: 'POST', body: new URLSearchParams({ id: 'start', sectok }) });
    expect(res.status).toBe(200);

    const error = await session.pageToken(`${site.origin}/rails`, 'sectok').catch((e: unknown) => e);
    expect(isSessionjarError(error, 'TOKEN_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain(`GET ${site.origin}/rails has no <input name="sectok"> or <meta name="sectok">`);
  } finally {
    await session.close();
    await site.close();
  }
});
