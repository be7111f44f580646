'use strict';
// What undici's Client gets in the CLI bundle for its `require('./client-h2.js')` (scripts/build.mjs):
// the same function, loaded on the first HTTP/2 connection (the only place the Client calls it)
// rather than with the Client. Loading it loads node:http2, node:tls and node:crypto, which a
// plain-http request never uses (about 7 ms of a cold start). undici's file is bundled as published;
// test/replay/lazy-modules.spec.ts checks this stays a wrapper of the very function.
let connectH2;

module.exports = function connectH2OnFirstUse(client, socket) {
  connectH2 ??= require('undici/lib/dispatcher/client-h2.js');
  return connectH2(client, socket);
};
