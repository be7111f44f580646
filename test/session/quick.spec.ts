import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { SessionSchema } from '../../src/session/schema/index.js';
import { DATETIME, quickParseSession } from '../../src/session/schema/quick.js';

// quickParseSession stands in for zod on the common session file; it must return exactly what zod
// returns (values, key order, defaults) and must never accept a file zod rejects.

const at = '2026-05-04T10:20:30.123Z';
const cookie = (name: string, extra: Record<string, unknown> = {}) => ({
  name, value: `${name}-v`, domain: '127.0.0.1', hostOnly: true, path: '/', expires: null, httpOnly: true, secure: false, ...extra,
});
const CORPUS: Record<string, unknown>[] = [
  { version: 1, generator: 'sessionjar@0.1.0', name: 'minimal', createdAt: at, updatedAt: at },
  {
    version: 1, generator: 'sessionjar@0.1.0', name: 'bench', createdAt: at, updatedAt: '2026-05-04T12:20:30+02:00', generation: 3,
    cookies: [cookie('sid', { sameSite: 'Lax' }), cookie('theme', { expires: 1893456000, httpOnly: false }), cookie('p', { partitionKey: 'https://a.example', setAt: 1714816830123, sameSite: 'None', secure: true })],
    origins: [], headers: { default: { 'user-agent': 'Mozilla/5.0 (bench)' }, origins: {}, rules: [] },
  },
  {
    // Keys in an order of their own: the result follows the schema's order, as zod's does.
    headers: { origins: { 'https://api.example': { authorization: 'Bearer x' } }, default: {} },
    origins: [{ sessionStorage: { k: 'v' }, origin: 'https://app.example' }, { origin: 'http://localhost:8080', localStorage: { a: '1', b: '' } }],
    cookies: [{ secure: true, path: '/admin', name: 'a', value: '', domain: 'example.com', hostOnly: false, expires: 0, httpOnly: false }],
    updatedAt: at, createdAt: at, name: 'x', generator: 'sessionjar@1.22.333-beta', version: 1,
  },
];

test('the date-time pattern is still zod’s', () => {
  const schema = z.iso.datetime({ offset: true }) as unknown as { _zod: { pattern: RegExp } };
  expect(DATETIME.source).toBe(schema._zod.pattern.source);
});

test('valid plain files: the same session as zod, key for key', () => {
  for (const doc of CORPUS) {
    const quick = quickParseSession(JSON.stringify(doc));
    expect(quick, String(doc.name)).toBeDefined();
    expect(JSON.stringify(quick)).toBe(JSON.stringify(SessionSchema.parse(doc)));
  }
});

test('files with more than the plain parts are left to zod', () => {
  const base = CORPUS[1] as Record<string, unknown>;
  const others = [
    { ...base, login: { url: 'https://app.example/login' } },
    { ...base, tokens: { jwts: [] } },
    { ...base, headers: { default: {}, origins: {}, rules: [{ header: 'x', from: { cookie: 'sid' }, origins: ['https://a.example'] }] } },
    { ...base, origins: [{ origin: 'https://a.example', indexedDB: [] }] },
    { version: 1, encrypted: { alg: 'x' } },
    { ...base, version: 2 },
  ];
  for (const doc of others) expect(quickParseSession(JSON.stringify(doc))).toBeUndefined();
  expect(quickParseSession('{"version": 1,')).toBeUndefined();
  expect(quickParseSession('[]')).toBeUndefined();
});

test('broken files: whatever the quick check accepts, zod accepts the same way', () => {
  const odd: unknown[] = [null, true, false, 0, -1, 1.5, 1e300, '', 'x', '/', 'Lax', 'lax', 'https://a.example', 'https://a.example/', at, '2026-02-30T00:00:00Z', [], [{}], {}, { a: 1 }, { a: 'b' }];
  // xorshift32 from a fixed seed: the same cases every run.
  let seed = 7;
  const next = (n: number) => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) % n);
  /** Every object and array inside `value`, with the way to reach it. */
  const holders = (value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] => {
    if (typeof value === 'object' && value !== null) {
      out.push(value as Record<string, unknown>);
      for (const inner of Object.values(value)) holders(inner, out);
    }
    return out;
  };
  let accepted = 0;
  for (let run = 0; run < 3000; run++) {
    const doc = structuredClone(CORPUS[next(CORPUS.length)]) as Record<string, unknown>;
    for (let k = 1 + next(2); k > 0; k--) {
      const all = holders(doc);
      const target = all[next(all.length)] as Record<string, unknown>;
      const keys = Object.keys(target);
      const key = next(4) === 0 || keys.length === 0 ? ['extra', '__proto__', 'rules', 'sameSite', 'setAt', 'generation'][next(6)]! : keys[next(keys.length)]!;
      if (next(5) === 0) delete target[key];
      else Object.defineProperty(target, key, { value: structuredClone(odd[next(odd.length)]), enumerable: true, configurable: true, writable: true });
    }
    const text = JSON.stringify(doc).replace('1e+300', '1e999');
    const quick = quickParseSession(text);
    if (quick === undefined) continue;
    accepted++;
    const zod = SessionSchema.safeParse(JSON.parse(text));
    expect(zod.success, text).toBe(true);
    expect(JSON.stringify(quick), text).toBe(JSON.stringify(zod.data));
  }
  // Some mutations keep a file valid (an empty value, a dropped optional key): those are compared too.
  expect(accepted).toBeGreaterThan(100);
});
