// The cold-start baseline: a plain script that imports undici and makes one request with a cookie.
// Usage: node bench/cold-undici.mjs <url> <cookie header>
import { request } from 'undici';

const [url, cookie] = process.argv.slice(2);
const res = await request(url, { headers: { cookie } });
for await (const chunk of res.body) process.stdout.write(chunk);
