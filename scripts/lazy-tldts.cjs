'use strict';
// What tough-cookie gets in the CLI bundle for its `import ... from "tldts"` (scripts/build.mjs):
// tldts's own functions, loaded on the first call. tldts builds the public suffix list when it is
// loaded (about 10 ms of a cold start), yet tough-cookie consults it only to check a cookie's
// Domain; sending the stored cookies needs none. tldts is bundled as published;
// test/replay/lazy-modules.spec.ts checks every export of tldts is here.
let tldts;
const load = () => (tldts ??= require('tldts'));

for (const name of ['getDomain', 'getDomainWithoutSuffix', 'getFullDomain', 'getHostname', 'getPublicSuffix', 'getSubdomain', 'parse']) {
  exports[name] = (...args) => load()[name](...args);
}
