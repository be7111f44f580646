/**
 * The character rules of the file's string fields, without zod: strings.ts builds the schema's
 * checks from them and quick.ts (the zod-free fast path) applies the same ones, so both refuse the
 * same files.
 */
/* eslint-disable no-control-regex -- control characters are what these patterns keep out */
export const COOKIE_VALUE = /^[^\x00-\x1f\x7f;]*$/;
export const COOKIE_NAME = /^[^\x00-\x1f\x7f;=]*$/;
export const COOKIE_DOMAIN = /^[^\x00-\x20\x7f;,/\\"]+$/;
export const COOKIE_PATH = /^\/[^\x00-\x1f\x7f;]*$/;
export const PLAIN_TEXT = /^[^\x00-\x1f\x7f]*$/;
export const HEADER_VALUE = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;
/* eslint-enable no-control-regex */
/** RFC 9110 tokens: header names. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
