import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { StepSchema } from '../../src/session/schema/recipe.js';

const RecipeFile = z.strictObject({
  steps: z.array(StepSchema).min(1),
  success: z.strictObject({ selector: z.literal('[data-user]') }),
  tokenEndpoint: z.literal('/oauth/token').optional(),
});

for (const style of ['form', 'form-totp', 'spa', 'sso']) {
  test(`the ${style} recipe is valid steps that take secrets only from DEMO_* variables`, () => {
    const text = readFileSync(new URL(`../../src/demo/recipes/${style}.json`, import.meta.url), 'utf8');
    const recipe = RecipeFile.parse(JSON.parse(text));
    // Relative, so the demo's dynamic ports come from the login URL.
    expect(recipe.steps[0]).toEqual({ goto: '/login' });
    expect([...text.matchAll(/\$\{env:(\w+)\}/g)].map((m) => m[1])).toEqual(['DEMO_USER', 'DEMO_PASSWORD']);
    const totpSteps = recipe.steps.filter((s) => 'totp' in s);
    expect(totpSteps).toEqual(style === 'form-totp' ? [{ totp: '#code', secretEnv: 'DEMO_TOTP_SECRET' }] : []);
    // The SPA logs in at /api/login and only calls its token endpoint later: the recipe names it.
    expect(recipe.tokenEndpoint).toBe(style === 'spa' ? '/oauth/token' : undefined);
  });
}
