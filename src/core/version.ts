/** Kept equal to package.json's version by a unit test; stamped into every session file. */
export const VERSION = '0.1.0';
export const GENERATOR = `sessionjar@${VERSION}`;
