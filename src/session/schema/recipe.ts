import { z } from 'zod';
import { UrlPattern } from './strings.js';

/**
 * Declarative login steps. Values may contain `${env:NAME}` references that are resolved from the
 * environment at login time, so the steps themselves never hold a secret.
 */
const selector = z.string().min(1).describe('A Playwright selector (CSS, text=, role=...).');
const envValue = z.string().describe('Literal text, or `${env:NAME}` references resolved at login time.');

export const WaitForSchema = z.union([
  z.strictObject({ url: UrlPattern.describe('Glob or /regex/ the page URL must match.') }),
  z.strictObject({ selector }),
  z.strictObject({ cookie: z.string().min(1).describe('Name of a cookie that must exist.') }),
  z.strictObject({ request: UrlPattern.describe('Glob or /regex/ of a request URL the page must send.') }),
]);

export const StepSchema = z.union([
  z.strictObject({ goto: z.string().min(1) }),
  z.strictObject({ fill: selector, value: envValue }),
  z.strictObject({ click: selector }),
  z.strictObject({ press: selector, key: z.string().min(1) }),
  z.strictObject({ check: selector }),
  z.strictObject({ select: selector, value: envValue }),
  z.strictObject({ waitFor: WaitForSchema, timeout: z.number().positive().optional() }),
  z.strictObject({
    totp: selector.describe('The field the one-time code is typed into.'),
    secretEnv: z.string().min(1).describe('Name of the environment variable holding the base32 TOTP secret.'),
  }),
]);

export type Step = z.infer<typeof StepSchema>;
export type WaitFor = z.infer<typeof WaitForSchema>;
