import { SessionjarError } from '../core/errors.js';
import { isSecretHeader } from '../core/redact.js';
import { jsonPathProblem } from '../session/json-path.js';
import type { HeaderRule, StateRef } from '../session/schema/index.js';
import { HEADER_NAME } from '../session/schema/string-rules.js';
import { headerName, headerNameProblem, headerValue, originOf } from './option-values.js';

/**
 * The header options of `edit`: --header, --header-rule and --remove-header-rule, parsed with the
 * shared value parsers (option-values.ts), so each mistake is a USAGE error naming the option.
 */

/** `Name: value` pairs; a credential header must be bound to one origin. */
export function parseHeaders(values: string[], origin: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon < 0) throw new SessionjarError('USAGE', `--header: a value without a colon is not 'Name: value' (not repeated here: it may hold a credential); give one like --header 'Origin: https://app.example'.`);
    const name = headerName(value.slice(0, colon), '--header');
    const text = headerValue(value.slice(colon + 1).trim(), name, '--header');
    if (text === '') throw new SessionjarError('USAGE', `--header: "${value}" has no value; to stop sending ${name}, use --remove-header ${name}.`);
    if (!origin && isSecretHeader(name)) {
      throw new SessionjarError('USAGE', `--header: ${name} carries a credential; bind it to the one origin it is for with --header-origin <origin>, so it is never sent elsewhere.`);
    }
    headers[name] = text;
  }
  return headers;
}

/**
 * `X-CSRF-Token=cookie:csrftoken@https://app.example`,
 * `Authorization=Bearer localStorage:auth#access_token@https://api.example,https://app.example`,
 * `Authorization=Token token={cookie:t}@https://app.example`; the storage of another origin than
 * the first target: `localStorage(https://app.example):auth#access_token`.
 */
export function parseHeaderRule(spec: string): HeaderRule {
  const usage = (why: string) =>
    new SessionjarError(
      'USAGE',
      `--header-rule: "${spec}" ${why}; give '<Header>=[<scheme> ]<source>@<origin>[,<origin>]' with <source> cookie:<name> or localStorage:<key>[#<json.path>], e.g. 'X-CSRF-Token=cookie:csrftoken@https://app.example'.`,
    );
  const eq = spec.indexOf('=');
  const at = spec.lastIndexOf('@');
  if (eq <= 0 || at < eq) throw usage('is not a rule');
  const header = spec.slice(0, eq).trim();
  const problem = headerNameProblem(header);
  if (problem) throw usage(`has "${header}" before "=", which ${problem}`);
  const value = spec.slice(eq + 1, at).trim();
  const origins = spec
    .slice(at + 1)
    .split(',')
    .map((o) => originOf(o.trim(), '--header-rule'));
  let template = '{value}';
  let source = value;
  const braced = /\{([^{}]+)\}/.exec(value);
  if (braced) {
    template = value.replace(braced[0], '{value}');
    source = braced[1] ?? '';
  } else if (value.includes(' ')) {
    const space = value.lastIndexOf(' ');
    template = `${value.slice(0, space)} {value}`;
    source = value.slice(space + 1);
  }
  const from = parseSource(source.trim(), origins[0] ?? '', usage);
  return { header, from, template, origins: [...new Set(origins)] };
}

function parseSource(source: string, defaultOrigin: string, usage: (why: string) => SessionjarError): StateRef {
  const cookie = /^cookie:(.+)$/.exec(source);
  if (cookie) return { cookie: cookie[1] ?? '' };
  const storage = /^(localStorage|sessionStorage)(?:\(([^()]+)\))?:([^#]+)(?:#(.+))?$/.exec(source);
  if (!storage) throw usage(`has no source "${source}" (cookie:<name>, localStorage:<key> or sessionStorage:<key>)`);
  const [, kind, origin, key, jsonPath] = storage;
  const pathProblem = jsonPath === undefined ? undefined : jsonPathProblem(jsonPath);
  if (pathProblem) throw usage(`cannot be used: ${pathProblem}`);
  return {
    storage: kind as 'localStorage' | 'sessionStorage',
    origin: origin === undefined ? defaultOrigin : originOf(origin, '--header-rule'),
    key: key ?? '',
    ...(jsonPath !== undefined ? { jsonPath } : {}),
  };
}

/** `X-CSRF-Token` or `X-CSRF-Token@https://app.example`. */
export function parseRuleRemoval(spec: string): { header: string; origin?: string } {
  const at = spec.indexOf('@');
  const header = (at < 0 ? spec : spec.slice(0, at)).trim();
  if (!HEADER_NAME.test(header)) throw new SessionjarError('USAGE', `--remove-header-rule: "${spec}" is not <Header> or <Header>@<origin>.`);
  return { header, ...(at < 0 ? {} : { origin: originOf(spec.slice(at + 1), '--remove-header-rule') }) };
}
