import { expect, test } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { openSessionFrom, type SessionClient } from '../../src/replay/client.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { sessionWith } from './fixtures.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const PAGE = '<h1>Sé</h1>';

let server: TestServer;
let session: SessionClient;

test.beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/page') {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
      res.setHeader('vary', ['Accept', 'Cookie']);
      return void res.writeHead(200, 'Fine', { 'content-type': 'text/html; Charset=UTF-8', 'x-note': 'x' }).end(PAGE);
    }
    if (path === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.concat([BOM, Buffer.from('{"n":1}')]));
    if (path === '/gzip-bom') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.concat([BOM, Buffer.from(PAGE)])));
    if (path === '/form') return void res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' }).end('q=a+b&n=1');
    if (path === '/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
    if (path === '/none') return void res.writeHead(204, { 'content-type': 'text/plain' }).end();
    res.writeHead(404).end();
  });
  session = await openSessionFrom(sessionWith([]));
});

test.afterAll(async () => {
  await session.close();
  await server.close();
});

test('fetch() answers as global fetch does: status, headers with each Set-Cookie apart, text and json', async () => {
  const [ours, theirs] = [await session.fetch(`${server.origin}/page`), await fetch(`${server.origin}/page`)];
  expect(ours).toBeInstanceOf(Response);
  expect([ours.status, ours.statusText, ours.ok, ours.url, ours.redirected]).toEqual([200, 'Fine', true, `${server.origin}/page`, false]);
  expect([...ours.headers]).toEqual([...theirs.headers]);
  expect(ours.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
  expect(ours.headers.get('vary')).toBe('Accept, Cookie');
  expect(ours.bodyUsed).toBe(false);
  expect(await ours.text()).toBe(await theirs.text());
  expect(ours.bodyUsed).toBe(true);
  // A UTF-8 byte order mark is not part of the text, gzipped or not.
  expect(await (await session.fetch(`${server.origin}/json`)).json()).toEqual({ n: 1 });
  expect(await (await session.fetch(`${server.origin}/gzip-bom`)).text()).toBe(PAGE);
  expect(new TextDecoder().decode(await (await session.fetch(`${server.origin}/page`)).bytes())).toBe(PAGE);
});

test('a body is read once: a second read rejects and clone() throws, as in fetch', async () => {
  const res = await session.fetch(`${server.origin}/page`);
  await res.arrayBuffer();
  await expect(res.text()).rejects.toThrow(new TypeError('Body is unusable: Body has already been read'));
  await expect(res.blob()).rejects.toThrow(TypeError);
  expect(() => res.clone()).toThrow(new TypeError('Response.clone: Body has already been consumed.'));
  expect(res.body).not.toBeNull();
  expect(res.body?.locked).toBe(true);
  const locked = await session.fetch(`${server.origin}/page`);
  const reader = locked.body!.getReader();
  await expect(locked.text()).rejects.toThrow(new TypeError('Body is unusable: Body has already been read'));
  await reader.cancel();
});

test('body is a byte stream read with getReader(); clone() gives two whole bodies', async () => {
  const res = await session.fetch(`${server.origin}/page`);
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  expect(Buffer.concat(chunks).toString()).toBe(PAGE);
  expect(res.bodyUsed).toBe(true);
  const byob = await session.fetch(`${server.origin}/page`);
  const { value } = await byob.body!.getReader({ mode: 'byob' }).read(new Uint8Array(64));
  expect(Buffer.from(value!).toString()).toBe(PAGE);
  const original = await session.fetch(`${server.origin}/page`);
  const copy = original.clone();
  expect(copy).toBeInstanceOf(Response);
  expect([copy.status, copy.url, copy.headers.getSetCookie()]).toEqual([200, `${server.origin}/page`, ['a=1; Path=/', 'b=2; Path=/; HttpOnly']]);
  expect(await Promise.all([original.text(), copy.text()])).toEqual([PAGE, PAGE]);
});

test('blob() and formData() use the Content-Type as fetch does', async () => {
  const ours = await (await session.fetch(`${server.origin}/page`)).blob();
  const theirs = await (await fetch(`${server.origin}/page`)).blob();
  expect([ours.type, await ours.text()]).toEqual([theirs.type, PAGE]);
  const form = await (await session.fetch(`${server.origin}/form`)).formData();
  expect([...form]).toEqual([['q', 'a b'], ['n', '1']]);
});

test('HEAD and 204 answers have a null body, read as empty', async () => {
  const head = await session.fetch(`${server.origin}/page`, { method: 'HEAD' });
  expect([head.status, head.body, head.headers.get('content-type')]).toEqual([200, null, 'text/html; Charset=UTF-8']);
  expect(await head.text()).toBe('');
  expect(await head.text()).toBe('');
  expect(head.bodyUsed).toBe(false);
  const none = await session.fetch(`${server.origin}/none`);
  expect([none.status, none.body, (await none.arrayBuffer()).byteLength]).toEqual([204, null, 0]);
  expect((await none.blob()).type).toBe('text/plain');
});

test('new Response(res.body, res) copies it; Response.prototype methods called on it directly see no body', async () => {
  const res = await session.fetch(`${server.origin}/page`);
  const copy = new Response(res.body, res);
  expect([copy.status, copy.statusText, copy.headers.get('x-note'), await copy.text()]).toEqual([200, 'Fine', 'x', PAGE]);
  // The documented edge: the Response underneath was constructed with a null body.
  const direct = await session.fetch(`${server.origin}/page`);
  expect(await Response.prototype.text.call(direct)).toBe('');
  expect(await direct.text()).toBe(PAGE);
});

test('init headers are taken as Headers takes them: names lower-cased, values trimmed, one name twice joined, bad ones refused', async () => {
  const echo = async (headers: HeadersInit) => (await (await session.fetch(`${server.origin}/echo`, { headers })).json()) as Record<string, string>;
  expect(await echo({ 'X-One': '1', accept: 'text/plain' })).toMatchObject({ 'x-one': '1', accept: 'text/plain' });
  expect(await echo({ 'X-Pad': '  padded\t', 'X-Latin': 'caf\u00e9', 'X-Empty': '' })).toMatchObject({ 'x-pad': 'padded', 'x-latin': 'café', 'x-empty': '' });
  expect(await echo({ 'X-Twice': 'a', 'x-twice': 'b' })).toMatchObject({ 'x-twice': 'a, b' });
  expect(await echo(new Headers({ 'X-From': 'headers' }))).toMatchObject({ 'x-from': 'headers' });
  const refusedByHeaders: Record<string, string>[] = [{ 'bad name': 'x' }, { 'x-bad': 'a\nb' }, { 'x-wide': '\u2603' }];
  for (const bad of refusedByHeaders) {
    const refused = (() => {
      try {
        new Headers(bad);
      } catch (error) {
        return error as TypeError;
      }
    })();
    expect(refused).toBeInstanceOf(TypeError);
    await expect(session.fetch(`${server.origin}/echo`, { headers: bad })).rejects.toThrow(refused!);
  }
});
