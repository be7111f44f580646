// The clients' names, as the tables print them and scenarios list them.
export const SJ = 'sessionjar request()';
export const FETCH = 'sessionjar fetch()';
export const RAW = 'raw undici (fixed headers)';
export const RAW_FETCH = 'raw undici fetch() (fixed headers)';
export const NAIVE = 'undici + tough-cookie (naive)';
export const GOT = 'got + tough-cookie';
export const PW = 'Playwright request context';
