'use strict';
// What the CLI bundle gets for `import ... from 'undici'` (scripts/build.mjs aliases it here): the
// dispatchers and the request API, as undici's index.js sets them up, without the fetch, WebSocket,
// cache, cookie and mock modules index.js also loads. Those cost about a fifth of a cold
// `sessionjar request` and the replay client uses none of them. Every export is the very object
// index.js exports (test/replay/undici-core.spec.ts checks that and that the CLI imports no other).
// These are files of undici's lib/ folder, which a release may move: package.json pins undici exactly.
const Dispatcher = require('undici/lib/dispatcher/dispatcher');

Object.assign(Dispatcher.prototype, require('undici/lib/api'));

module.exports = {
  Agent: require('undici/lib/dispatcher/agent'),
  Client: require('undici/lib/dispatcher/client'),
  Dispatcher,
  EnvHttpProxyAgent: require('undici/lib/dispatcher/env-http-proxy-agent'),
  Pool: require('undici/lib/dispatcher/pool'),
  ProxyAgent: require('undici/lib/dispatcher/proxy-agent'),
};
