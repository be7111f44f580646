import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { SessionjarError } from '../core/errors.js';
import { jsonPathProblem } from '../session/json-path.js';
import { LoggedOutSchema, LoginSchema, ProbeSchema, StepSchema, type LoggedOut, type Login, type Probe, type Step } from '../session/schema/index.js';
import { urlPatternProblem } from '../session/url-pattern.js';
import { userRegexProblem } from '../session/user-regex.js';

/** When a login counts as done: the same four conditions as `--until-*` and the login block's `success`. */
export type Success = NonNullable<Login['success']>;
const SuccessSchema = LoginSchema.shape.success.unwrap();

/** What a script recipe's default export receives. `page` and `context` are Playwright's. */
export interface ScriptArgs {
  page: Page;
  context: BrowserContext;
  /** The environment; every variable the script reads is scrubbed from error messages. */
  env: NodeJS.ProcessEnv;
  /** The current RFC 6238 code for a base32 secret. */
  totp: (secret: string) => string;
}
export type ScriptRecipe = (args: ScriptArgs) => Promise<void>;

export type Recipe =
  | { kind: 'steps'; file?: string; url?: string; steps: Step[]; success?: Success; probe?: Probe; tokenEndpoint?: string; loggedOut?: LoggedOut }
  | { kind: 'script'; file: string; run: ScriptRecipe };

/** Why a `loggedOut` block given by a recipe or the command line would never work, or undefined. */
export function loggedOutProblem(value: { statuses?: number[]; bodyRegex?: string; urlPattern?: string; jsonPath?: string }): { field: 'statuses' | 'bodyRegex' | 'urlPattern' | 'jsonPath'; message: string } | undefined {
  const bad = value.statuses?.find((s) => !Number.isInteger(s) || s < 100 || s > 599);
  if (bad !== undefined) return { field: 'statuses', message: `${bad} is not an HTTP status (100-599)` };
  // The replay client skips a refused regex: a typo would silently never match.
  const regex = value.bodyRegex === undefined ? undefined : userRegexProblem(value.bodyRegex);
  if (regex) return { field: 'bodyRegex', message: regex };
  const url = value.urlPattern === undefined ? undefined : urlPatternProblem(value.urlPattern);
  if (url) return { field: 'urlPattern', message: url };
  const path = value.jsonPath === undefined ? undefined : jsonPathProblem(value.jsonPath);
  if (path) return { field: 'jsonPath', message: path };
  return undefined;
}

const RecipeLoggedOutSchema = LoggedOutSchema.superRefine((value, ctx) => {
  const problem = loggedOutProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
});

const RecipeObjectSchema = z.strictObject({
  url: z.string().min(1).optional().describe('Login URL; --url wins. May use ${env:NAME}.'),
  steps: z.array(z.unknown()),
  success: SuccessSchema.optional(),
  until: SuccessSchema.optional().describe('Same as success.'),
  probe: ProbeSchema.optional(),
  tokenEndpoint: z.string().min(1).optional().describe('OAuth token endpoint for refresh, when the page does not call it while logging in; relative to the login URL.'),
  loggedOut: RecipeLoggedOutSchema.optional().describe('Answers that mean "logged out" (the session file\'s login.loggedOut), e.g. a 200 sign-in page.'),
});

/** Each step type's one action key ("goto", "fill", ...), mapped to its schema. */
const STEP_TYPES = new Map(
  StepSchema.options.map((option) => [Object.keys(option.shape)[0] ?? '', option as z.ZodType<Step>]),
);

/**
 * Loads a recipe file: `.json`, `.yaml`/`.yml` (steps, validated; errors name the file and the JSON
 * path) or `.mjs`/`.js` (a module whose default export is `async ({ page, context, env, totp }) => {}`).
 */
export async function loadRecipe(path: string): Promise<Recipe> {
  const file = resolve(path);
  const ext = extname(file).toLowerCase();
  if (ext === '.mjs' || ext === '.js') return loadScript(path, file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SessionjarError('RECIPE_INVALID', `${path}: cannot read the recipe (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Check the --recipe path.`, { cause: error });
  }
  let raw: unknown;
  try {
    // yaml is loaded only for YAML recipes: the library's import of record/ stays light. It is
    // CommonJS: `default` is its exports under Node and in the CLI's esbuild bundle alike (where
    // the named exports are missing).
    raw = ext === '.yaml' || ext === '.yml' ? (await import('yaml')).default.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new SessionjarError('RECIPE_INVALID', `${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]?.replace(/:$/, '')}).`, { cause: error });
  }
  return { ...parseRecipe(raw, path), file };
}

/** Validates an already-parsed recipe document (a `{ steps, ... }` object or a bare array of steps). */
export function parseRecipe(raw: unknown, source: string): Extract<Recipe, { kind: 'steps' }> {
  const doc = Array.isArray(raw) ? { steps: raw } : raw;
  const top = RecipeObjectSchema.safeParse(doc);
  if (!top.success) throw invalidRecipe(source, top.error.issues);
  const issues: z.core.$ZodIssue[] = [];
  const steps: Step[] = [];
  top.data.steps.forEach((step, index) => {
    const at = Array.isArray(raw) ? [index] : ['steps', index];
    const actions = step !== null && typeof step === 'object' ? Object.keys(step).filter((k) => STEP_TYPES.has(k)) : [];
    if (actions.length !== 1) {
      issues.push({
        code: 'custom',
        path: at,
        input: step,
        message: `${actions.length === 0 ? notAStep(step) : `more than one action (${actions.join(', ')})`}: a step has exactly one of ${[...STEP_TYPES.keys()].join(', ')}`,
      });
      return;
    }
    const result = (STEP_TYPES.get(actions[0] ?? '') as z.ZodType<Step>).safeParse(step);
    if (result.success) steps.push(result.data);
    else issues.push(...result.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] })));
  });
  if (issues.length > 0) throw invalidRecipe(source, issues);
  const { url, success, until, probe, tokenEndpoint, loggedOut } = top.data;
  const merged = success || until ? { ...until, ...success } : undefined;
  return {
    kind: 'steps',
    steps,
    ...(url ? { url } : {}),
    ...(merged ? { success: merged } : {}),
    ...(probe ? { probe } : {}),
    ...(tokenEndpoint ? { tokenEndpoint } : {}),
    ...(loggedOut ? { loggedOut } : {}),
  };
}

/** `not a step (unknown action "fil"; did you mean "fill"?)`: a misspelt step names the typo. */
function notAStep(step: unknown): string {
  const keys = step !== null && typeof step === 'object' && !Array.isArray(step) ? Object.keys(step) : [];
  const unknown = keys.filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length === 0) return 'not a step';
  const guess = unknown.map(closestAction).find((a) => a !== undefined);
  return `not a step (unknown action ${unknown.map((k) => `"${k}"`).join(', ')}${guess ? `; did you mean "${guess}"?` : ''})`;
}

/** Keys a step may hold besides its action. */
const OPTION_KEYS = new Set(['value', 'key', 'timeout', 'secretEnv']);

/** The step action one edit from `key` (two for longer keys), case ignored, if one is. */
function closestAction(key: string): string | undefined {
  const k = key.toLowerCase();
  return [...STEP_TYPES.keys()].find((action) => editDistance(k, action.toLowerCase()) <= (k.length > 4 ? 2 : 1));
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

async function loadScript(path: string, file: string): Promise<Recipe> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new SessionjarError('RECIPE_INVALID', `${path}: cannot load the script recipe: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (typeof module.default !== 'function') {
    throw new SessionjarError('RECIPE_INVALID', `${path}: a script recipe must export a default function: export default async ({ page, context, env, totp }) => { ... }`);
  }
  return { kind: 'script', file, run: module.default as ScriptRecipe };
}

function invalidRecipe(source: string, issues: z.core.$ZodIssue[]): SessionjarError {
  return new SessionjarError(
    'RECIPE_INVALID',
    `${source}: not a valid recipe:\n${z.prettifyError(new z.ZodError(issues))}\nSee docs/recipes.md for the step format.`,
    { details: { file: source } },
  );
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names of the environment variables a step list reads: `${env:NAME}` references and TOTP secrets. */
export function envNamesOf(steps: Step[]): string[] {
  const names = new Set<string>();
  for (const step of steps) {
    for (const value of Object.values(step)) {
      if (typeof value === 'string') for (const m of value.matchAll(ENV_REF)) names.add(m[1] ?? '');
    }
    if ('totp' in step) names.add(step.secretEnv);
  }
  return [...names];
}

/**
 * Replaces `${env:NAME}` references. A missing variable is an error naming the variable and where it
 * was used, never a value; `where` is like `steps[2].value`.
 */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(ENV_REF, (_, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw new SessionjarError('RECIPE_INVALID', `${where} uses \${env:${name}}, but the environment variable ${name} is not set. Set it before recording (export ${name}=...).`, {
        details: { variable: name },
      });
    }
    return value;
  });
}

/**
 * Checks every variable the steps need before a browser starts, so a missing one fails in
 * milliseconds rather than halfway through a login.
 */
export function checkEnv(steps: Step[], env: NodeJS.ProcessEnv, source: string): void {
  steps.forEach((step, index) => {
    for (const [field, value] of Object.entries(step)) {
      if (typeof value === 'string') substituteEnv(value, env, `${source}: steps[${index}].${field}`);
    }
    if ('totp' in step && !env[step.secretEnv]) {
      throw new SessionjarError('RECIPE_INVALID', `${source}: steps[${index}].secretEnv names ${step.secretEnv}, but that environment variable is not set. Set it to the base32 TOTP secret before recording.`, {
        details: { variable: step.secretEnv },
      });
    }
  });
}

/** A `goto` target relative to the login URL (`/account`, `../x`), absolute URLs as they are. */
export function resolveGoto(target: string, loginUrl: string): string {
  return new URL(target, loginUrl).href;
}
