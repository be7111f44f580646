import { z } from 'zod';
import { StepSchema } from './recipe.js';
import {
  BodyRegex,
  CookieDomain,
  CookieName,
  CookiePath,
  CookieValue,
  HeaderMapSchema,
  HeaderName,
  HeaderValue,
  JsonPath,
  PlainText,
  UrlPattern,
} from './strings.js';

/** Format version 1 of the session file. Spec: docs/session-format.md. */

export const CookieSchema = z.strictObject({
  name: CookieName,
  value: CookieValue,
  domain: CookieDomain.describe('Without a leading dot; see hostOnly.'),
  hostOnly: z.boolean().describe('true: sent to exactly `domain`; false: to `domain` and its subdomains.'),
  path: CookiePath,
  expires: z.number().nullable().describe('Unix time in seconds; null for a session cookie.'),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(['Strict', 'Lax', 'None']).optional().describe('Absent when the server set none.'),
  partitionKey: PlainText.optional().describe('CHIPS partition (top-level site), when partitioned.'),
  setAt: z.number().optional().describe('Unix time in milliseconds when this value was set; newest wins on merge.'),
});

const IndexedDBRecordSchema = z.looseObject({
  key: z.unknown().optional(),
  keyEncoded: z.unknown().optional(),
  value: z.unknown().optional(),
  valueEncoded: z.unknown().optional(),
});

const IndexedDBIndexSchema = z.looseObject({
  name: z.string(),
  keyPath: z.string().optional(),
  keyPathArray: z.array(z.string()).optional(),
  multiEntry: z.boolean(),
  unique: z.boolean(),
});

/** As Playwright's `storageState({ indexedDB: true })` exports one database. */
export const IndexedDBDatabaseSchema = z.looseObject({
  name: z.string(),
  version: z.number(),
  stores: z.array(
    z.looseObject({
      name: z.string(),
      autoIncrement: z.boolean(),
      keyPath: z.string().optional(),
      keyPathArray: z.array(z.string()).optional(),
      records: z.array(IndexedDBRecordSchema),
      indexes: z.array(IndexedDBIndexSchema),
    }),
  ),
});

const OriginSchema = z
  .string()
  .refine((s) => {
    try {
      return new URL(s).origin === s;
    } catch {
      return false;
    }
  }, 'must be an origin such as "https://example.com" (scheme, host, optional port; no path)');

export const OriginStateSchema = z.strictObject({
  origin: OriginSchema,
  localStorage: z.record(z.string(), z.string()).default({}),
  sessionStorage: z.record(z.string(), z.string()).default({}),
  indexedDB: z.array(IndexedDBDatabaseSchema).optional(),
});

/** Where a header rule reads its value from, evaluated per request against the current state. */
export const StateRefSchema = z.union([
  z.strictObject({
    storage: z.enum(['localStorage', 'sessionStorage']),
    origin: OriginSchema,
    key: z.string().min(1),
    jsonPath: JsonPath.optional().describe('Dot path into a JSON value stored under `key`, e.g. "auth.access_token".'),
  }),
  z.strictObject({
    cookie: z.string().min(1).describe('Cookie name'),
    domain: z.string().optional(),
    path: z.string().optional(),
  }),
]);

export const HeaderRuleSchema = z.strictObject({
  header: HeaderName,
  from: StateRefSchema,
  template: HeaderValue.includes('{value}').default('{value}').describe('e.g. "Bearer {value}"'),
  origins: z.array(OriginSchema).min(1).describe('The only origins this header may be sent to.'),
});

export const HeadersSchema = z.strictObject({
  default: HeaderMapSchema.default({}).describe('Sent everywhere: User-Agent, Accept-Language.'),
  origins: z
    .record(OriginSchema, HeaderMapSchema)
    .default({})
    .describe('Sent only to that exact origin, e.g. an Authorization bound to one API.'),
  rules: z.array(HeaderRuleSchema).default([]),
});

export const ProbeSchema = z.strictObject({
  url: z.url(),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  expect: z
    .strictObject({
      status: z.array(z.number().int()).optional().describe('Default: any 2xx.'),
      bodyIncludes: z.string().optional(),
      jsonPath: JsonPath.optional().describe('Dot path that must exist and be non-empty in a JSON body.'),
    })
    .default({}),
});

export const LoggedOutSchema = z.strictObject({
  statuses: z.array(z.number().int()).default([401, 419, 440]),
  redirectTo: z.array(UrlPattern).default([]).describe('A redirect to one of these means logged out.'),
  urlPattern: UrlPattern.optional(),
  bodyRegex: BodyRegex.optional(),
  jsonPath: JsonPath.optional().describe('Dot path whose presence in a JSON body means logged out.'),
});

export const LoginSchema = z.strictObject({
  url: z.url(),
  signInUrl: z
    .url()
    .optional()
    .describe('The page where the credentials were typed (its password field), learned while recording; absent when that is `url` itself. A redirect here means logged out.'),
  returnsToUrl: z
    .boolean()
    .optional()
    .describe('true: the login came back to `url` after `signInUrl` (a protected page, not a login page), so a redirect to `url` is no sign of being logged out.'),
  steps: z.array(StepSchema).optional(),
  recipe: z.string().optional().describe('Path of a recipe file (steps or a script module).'),
  success: z
    .strictObject({
      url: UrlPattern.optional(),
      cookie: z.string().optional(),
      selector: z.string().optional(),
      request: UrlPattern.optional(),
    })
    .optional(),
  probe: ProbeSchema.optional(),
  loggedOut: LoggedOutSchema.optional(),
  env: z.array(z.string()).default([]).describe('Names (never values) of the environment variables the login uses.'),
  tokenEndpoint: z.url().optional().describe('OAuth token endpoint declared by the recipe or --token-endpoint (the page did not call it while logging in).'),
});

/** A JWT seen while recording, with where it lives now and its `exp` (null: none or unreadable). */
export const JwtInfoSchema = z.strictObject({
  from: z.union([
    StateRefSchema,
    z.strictObject({ header: HeaderName, origin: OriginSchema }).describe('A recorded per-origin header.'),
  ]),
  exp: z.number().nullable().describe('Unix time in seconds from the payload\'s `exp`.'),
});

/** An OAuth-style token endpoint the page used, and where the tokens it returned are kept. */
export const OAuthSchema = z.strictObject({
  tokenEndpoint: z.url(),
  refreshToken: StateRefSchema,
  accessToken: StateRefSchema.optional().describe('Absent when the page keeps the access token only in memory.'),
  clientId: z.string().optional(),
});

export const TokensSchema = z.strictObject({
  jwts: z.array(JwtInfoSchema).default([]),
  oauth: OAuthSchema.optional(),
});

export const SessionV1Schema = z.strictObject({
  version: z.literal(1),
  generator: z.string().regex(/^sessionjar@\d+\.\d+\.\d+/),
  name: z.string().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  generation: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Login generation: moved by each refresh (a re-login or token refresh) and by a new login saved over the session (record --force, import --force), by nothing else; absent means 0.'),
  cookies: z.array(CookieSchema).default([]),
  origins: z.array(OriginStateSchema).default([]),
  headers: HeadersSchema.default({ default: {}, origins: {}, rules: [] }),
  login: LoginSchema.optional(),
  tokens: TokensSchema.optional().describe('Tokens found while recording: JWTs with their expiry, an OAuth refresh token.'),
});

export type SessionV1 = z.infer<typeof SessionV1Schema>;
export type Cookie = z.infer<typeof CookieSchema>;
export type OriginState = z.infer<typeof OriginStateSchema>;
export type HeaderRule = z.infer<typeof HeaderRuleSchema>;
export type StateRef = z.infer<typeof StateRefSchema>;
export type Login = z.infer<typeof LoginSchema>;
export type Probe = z.infer<typeof ProbeSchema>;
export type LoggedOut = z.infer<typeof LoggedOutSchema>;
export type IndexedDBDatabase = z.infer<typeof IndexedDBDatabaseSchema>;
export type JwtInfo = z.infer<typeof JwtInfoSchema>;
export type OAuth = z.infer<typeof OAuthSchema>;
export type Tokens = z.infer<typeof TokensSchema>;
