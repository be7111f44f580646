// bench/cold.mjs's server: answers {"ok":true} to a request that carries the session cookie. Prints
// its URL; exits when stdin closes.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const ok = String(req.headers.cookie).includes('sid=ok-');
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(ok ? '{"ok":true}' : '{"error":"no session cookie"}');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}/api/me\n`));
process.stdin.on('end', () => {
  server.close();
  server.closeAllConnections();
}).resume();
