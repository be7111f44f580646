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

test('an empty, binary or JSON-array input is refused as such, naming the file, whatever --from says', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]).toString('utf8');
  const next = 'nothing was imported. Give a Playwright storageState (JSON), a cookies.txt, an HTTPie session or a sessionjar file.';
  for (const format of [undefined, 'netscape', 'playwright', 'httpie', 'sessionjar'] as const) {
    const options = { ...importOptions('in.txt'), ...(format ? { format } : {}) };
    expect(() => importSession('', options)).toThrow(`in.txt: the file is empty; ${next}`);
    expect(() => importSession(' \n\n', options)).toThrow(`in.txt: the file is empty; ${next}`);
    expect(() => importSession(png, options)).toThrow(`in.txt: not a text file (binary content); ${next}`);
  }
  expect(() => importSession('[{"name":"a"}]', importOptions('a.json'))).toThrow(
    'a.json: a JSON array is none of the formats: a Playwright storageState, an HTTPie session and a sessionjar file are JSON objects.',
  );
});
