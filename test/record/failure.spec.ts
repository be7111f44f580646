import { expect, test } from '@playwright/test';
import { isSubmit, submittedForm } from '../../src/record/failure.js';
import type { Step } from '../../src/session/schema/index.js';

const steps: Step[] = [
  { goto: '/login' },
  { click: '#accept-cookies' },
  { fill: '#username', value: '${env:USER_NAME}' },
  { click: 'text=Next' },
  { fill: '#password', value: '${env:USER_PASSWORD}' },
  { press: '#password', key: 'Enter' },
  { totp: '#code', secretEnv: 'TOTP_SECRET' },
  { click: 'button[type=submit]' },
];

test('a submit sends the fields filled since the previous one; the next steps\' fields mean it moved on', () => {
  expect(steps.map(isSubmit)).toEqual([false, true, false, true, false, true, false, true]);
  expect(submittedForm(steps, 1)).toEqual({ fields: [], next: ['#username', '#password', '#code'], envNames: [] });
  expect(submittedForm(steps, 3)).toEqual({ fields: ['#username'], next: ['#password', '#code'], envNames: ['USER_NAME'] });
  expect(submittedForm(steps, 5)).toEqual({ fields: ['#password'], next: ['#code'], envNames: ['USER_PASSWORD'] });
  expect(submittedForm(steps, 7)).toEqual({ fields: ['#code'], next: [], envNames: ['TOTP_SECRET'] });
});
