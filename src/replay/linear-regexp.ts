import { setFlagsFromString } from 'node:v8';

// Lets src/session/user-regex.ts compile patterns from session files with V8's linear-time engine
// (the `l` flag), so a hostile `loggedOut.bodyRegex` cannot backtrack for hours on a response body.
// The flag only makes `l` available; no other regular expression changes. Imported for its effect
// by the replay client (which checks responses) and by the CLI entry (which also runs `record`).
setFlagsFromString('--enable-experimental-regexp-engine');
