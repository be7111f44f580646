// The benchmark's server, run in its own process (pinned to one core by run.mjs). Every request
// must carry the session cookie `sid` (else 401), and every 10th response rotates it with a
// Set-Cookie, so a client's cookie path is exercised the way a real session's is.
// Usage: node bench/server.mjs <key.pem> <cert.pem>; prints {"http": origin, "https": origin}.
import { createServer } from 'node:http';
import { createSecureServer } from 'node:http2';
import { readFileSync } from 'node:fs';

const [keyFile, certFile] = process.argv.slice(2);
const OK = Buffer.from(JSON.stringify({ ok: true, user: 'bench', items: [1, 2, 3] }));
const DENIED = Buffer.from('{"error":"no session cookie"}');
let served = 0;

/** Status and headers for one request with the given Cookie header. */
function answer(cookie) {
  if (typeof cookie !== 'string' || !cookie.includes('sid=ok-')) {
    return { status: 401, body: DENIED, headers: { 'content-type': 'application/json', 'content-length': DENIED.length } };
  }
  served += 1;
  const headers = { 'content-type': 'application/json', 'content-length': OK.length };
  if (served % 10 === 0) headers['set-cookie'] = `sid=ok-${served}; Path=/; HttpOnly; SameSite=Lax`;
  return { status: 200, body: OK, headers };
}

const http1 = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const { status, body, headers } = answer(req.headers.cookie);
  res.writeHead(status, headers);
  res.end(body);
});

const h2 = createSecureServer({ key: readFileSync(keyFile), cert: readFileSync(certFile), allowHTTP1: true });
// The core stream API: the compatibility layer costs the server CPU it must not run short of.
h2.on('stream', (stream, headers) => {
  // A client closing its connection at the end of a run resets streams: not the server's problem.
  stream.on('error', () => {});
  const { status, body, headers: out } = answer(headers.cookie);
  stream.respond({ ':status': status, ...out });
  stream.end(body);
});
h2.on('sessionError', () => {});
h2.on('request', (req, res) => {
  if (req.httpVersionMajor === 2) return;
  const { status, body, headers } = answer(req.headers.cookie);
  res.writeHead(status, headers);
  res.end(body);
});

await Promise.all([
  new Promise((resolve) => http1.listen(0, '127.0.0.1', resolve)),
  new Promise((resolve) => h2.listen(0, '127.0.0.1', resolve)),
]);
process.stdout.write(
  `${JSON.stringify({ http: `http://127.0.0.1:${http1.address().port}`, https: `https://127.0.0.1:${h2.address().port}` })}\n`,
);
process.stdin.resume();
// run.mjs closes our stdin when it is done: exit then, whatever happens to the parent.
process.stdin.on('end', () => process.exit(0));
