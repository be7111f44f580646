import { expect, test } from '@playwright/test';
import { importSession, sniffFormat } from '../../src/session/convert/index.js';
import { fixture, importOptions } from './fixtures.js';

test('sniffFormat tells the formats apart by content', () => {
  expect(sniffFormat(fixture('playwright-storage-state.json'))).toBe('playwright');
  expect(sniffFormat(fixture('cookies.txt'))).toBe('netscape');
  expect(sniffFormat('x.test\tFALSE\t/\tFALSE\t0\ta\tb\n')).toBe('netscape');
  expect(sniffFormat('#HttpOnly_x.test\tFALSE\t/\tFALSE\t0\ta\tb\n')).toBe('netscape');
  expect(sniffFormat(fixture('httpie-session.json'))).toBe('httpie');
  expect(sniffFormat(fixture('httpie-session-legacy.json'))).toBe('httpie');
  expect(sniffFormat('{"headers":[{"name":"A","value":"b"}]}')).toBe('httpie');
  expect(sniffFormat('{"cookies":[{"name":"a","value":"b","domain":"x","httpOnly":true}]}')).toBe('playwright');
  expect(sniffFormat(fixture('session-golden.json'))).toBe('sessionjar');
  expect(sniffFormat('hello world')).toBeUndefined();
  expect(sniffFormat('{"a":1}')).toBeUndefined();
  expect(sniffFormat('{not json')).toBeUndefined();
});

test('importSession sniffs, ignores a byte-order mark, and imports a sessionjar file under the new name', () => {
  const txt = importSession(`\uFEFF${fixture('cookies.txt')}`, importOptions('cookies.txt'));
  expect(txt.format).toBe('netscape');
  expect(txt.result.cookies).toHaveLength(6);
  const own = importSession(fixture('session-golden.json'), importOptions('golden.json'));
  expect(own).toMatchObject({ format: 'sessionjar', report: { lost: [] } });
  expect(own.result.name).toBe('imported');
  expect(own.result.login?.env).toEqual(['EXAMPLE_USER', 'EXAMPLE_PASSWORD']);
  expect(() => importSession('{"a":1}', importOptions('a.json'))).toThrow('a.json: cannot tell the format');
});
