import { SessionjarError } from '../core/errors.js';

/**
 * `sessionjar request --csrf-from <page> --csrf-field <name> [--csrf-header <header>]`: the token a
 * server puts only in its pages' HTML (DokuWiki's sectok, Django's csrfmiddlewaretoken, Rails'
 * authenticity_token or csrf-token meta) is read from the page just before the request and sent as
 * a form field, a JSON field or a header. The parsing is checked before anything is sent.
 */
export interface CsrfPlan {
  /** The page that holds the token, fetched with the session. */
  from: string;
  /** The `<input name>` or `<meta name>` to read, and the body field it is sent as. */
  field: string;
  into: { header: string } | 'form' | 'json';
}

export interface CsrfRaw {
  csrfFrom?: string;
  csrfField?: string;
  csrfHeader?: string;
}

const FORM = 'application/x-www-form-urlencoded';

function contentType(headers: Record<string, string | null>): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
  return key === undefined ? undefined : (headers[key] ?? undefined);
}

/**
 * The plan for the --csrf-* options, or undefined when none is given. With neither a body nor
 * --csrf-header the token becomes a form body of its own, so `headers` may gain a Content-Type and
 * the returned `body` is empty.
 */
export function planCsrf(raw: CsrfRaw, headers: Record<string, string | null>, body: Buffer | undefined): { plan?: CsrfPlan; body?: Buffer } {
  if (raw.csrfFrom === undefined) {
    if (raw.csrfField !== undefined || raw.csrfHeader !== undefined) {
      throw new SessionjarError('USAGE', '--csrf-field and --csrf-header need --csrf-from <page-url>, the page that holds the token.');
    }
    return body === undefined ? {} : { body };
  }
  if (!/^https?:\/\//i.test(raw.csrfFrom)) {
    throw new SessionjarError('USAGE', `--csrf-from: "${raw.csrfFrom}" is not an absolute http(s) URL; give the page whose HTML holds the token.`);
  }
  if (raw.csrfField === undefined || raw.csrfField.trim() === '') {
    throw new SessionjarError('USAGE', '--csrf-from needs --csrf-field <name>: the name of the <input> or <meta> tag that holds the token (sectok, csrfmiddlewaretoken, authenticity_token, csrf-token).');
  }
  const base = { from: raw.csrfFrom, field: raw.csrfField };
  if (raw.csrfHeader !== undefined) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(raw.csrfHeader)) throw new SessionjarError('USAGE', `--csrf-header: "${raw.csrfHeader}" is not a header name.`);
    return { plan: { ...base, into: { header: raw.csrfHeader } }, ...(body === undefined ? {} : { body }) };
  }
  if (body === undefined) {
    headers['content-type'] = FORM;
    return { plan: { ...base, into: 'form' }, body: Buffer.alloc(0) };
  }
  const type = contentType(headers) ?? '';
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return { plan: { ...base, into: 'form' }, body };
  if (/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      doc = undefined;
    }
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) return { plan: { ...base, into: 'json' }, body };
    throw new SessionjarError('USAGE', `--csrf-field: the JSON body is not an object, so "${raw.csrfField}" cannot be added to it; send the token as a header with --csrf-header <name>.`);
  }
  throw new SessionjarError('USAGE', `--csrf-field: a ${type} body cannot take a form field; send the token as a header with --csrf-header <name>, or use -d with a form body.`);
}

/** The request's headers and body with the token put where the plan says. */
export function applyCsrfToken(
  plan: CsrfPlan,
  token: string,
  headers: Record<string, string | null>,
  body: Buffer | undefined,
): { headers: Record<string, string | null>; body: Buffer | undefined } {
  if (typeof plan.into === 'object') {
    const name = plan.into.header;
    const rest = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
    return { headers: { ...rest, [name]: token }, body };
  }
  const text = body?.toString('utf8') ?? '';
  if (plan.into === 'json') {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return { headers, body: Buffer.from(JSON.stringify({ ...doc, [plan.field]: token })) };
  }
  const pair = new URLSearchParams({ [plan.field]: token }).toString();
  return { headers, body: Buffer.from(text === '' ? pair : `${text.replace(/&$/, '')}&${pair}`) };
}
