// Flat config: typescript-eslint's recommended rules with type information for src and test, and
// the one-way layout of src/ (README, "Development"):
//   cli → serve / pool → record / replay / refresh / store → session → core
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FOLDERS = ['cli', 'demo', 'serve', 'pool', 'record', 'replay', 'refresh', 'store', 'session', 'core'];

/** A relative import of one of src/'s top folders, from a file one or more folders below src/. */
const folderImport = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;

/**
 * One folder's import rules. `above`: folders of ours it must not import (statically: a dynamic
 * import() stays allowed, as refresh/ loads record/ for a re-login); `packages`: a pattern of the npm
 * packages it may not import; `lazy`: patterns of dynamic import() sources it may not use either;
 * `extra`: more import patterns it may not use.
 * Each folder gets a single block, as a later block's options would replace, not add to, these.
 */
function layer(folder, { above = [], packages, lazy = [], extra = [], why }) {
  const patterns = [...extra];
  if (above.length > 0) patterns.push({ regex: folderImport(above), message: `${folder}/ must not import ${above.join('/, ')}/: ${why}` });
  if (packages) patterns.push({ regex: packages.regex, message: packages.message });
  const restrictedDynamic = [
    ...(folder === 'record' ? [] : [{ pattern: '^playwright', message: 'only record/ loads Playwright (the replay path never does): import record/ lazily instead' }]),
    ...lazy,
  ];
  return {
    files: [folder === 'index' ? 'src/index.ts' : `src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': ['error', ...restrictedDynamic.map(({ pattern, message }) => ({ selector: `ImportExpression[source.value=/${pattern}/]`, message }))],
    },
  };
}

const NOT_PLAYWRIGHT = { regex: '^(playwright|@playwright/)', message: 'only record/ imports Playwright: the replay path never loads it (import record/ lazily if a command needs it)' };
const NOT_PLAYWRIGHT_OR_UNDICI = { regex: '^(playwright|@playwright/|undici$|undici/)', message: 'only record/ imports Playwright and only replay/ makes HTTP requests (undici)' };
const ONLY_ZOD = { regex: '^(?!zod$|zod/|node:|\\.)', message: 'session/ and core/ need no npm package but zod' };

const layers = [
  layer('index', { extra: [{ regex: '^\\./(cli|demo)/', message: 'the library entry never imports the CLI (or the demo): move what it needs below cli/' }], packages: NOT_PLAYWRIGHT_OR_UNDICI }),
  layer('cli', { packages: NOT_PLAYWRIGHT_OR_UNDICI }),
  layer('demo', { above: ['cli'], packages: NOT_PLAYWRIGHT_OR_UNDICI, why: 'the CLI runs the demo, not the other way round' }),
  layer('serve', { above: ['cli', 'demo', 'pool'], packages: NOT_PLAYWRIGHT_OR_UNDICI, why: 'they sit above serve/' }),
  layer('pool', { above: ['cli', 'demo', 'serve'], packages: NOT_PLAYWRIGHT_OR_UNDICI, why: 'they sit above pool/' }),
  layer('record', { above: ['cli', 'demo', 'serve', 'pool', 'replay', 'refresh'], packages: { regex: '^undici(/|$)', message: 'only replay/ makes HTTP requests' }, why: 'record/ is a sibling of replay/ and refresh/, below cli/, serve/ and pool/' }),
  layer('replay', {
    // replay/ and store/ are siblings; replay/ writes cookies back through a store (SessionStore)
    // and opens one by name (defaultStore): those two files only, store/ never imports replay/.
    above: ['cli', 'demo', 'serve', 'pool', 'record', 'refresh'],
    extra: [{ regex: '^\\.\\./store/(?!types\\.js$|default-store\\.js$)', message: 'replay/ takes a SessionStore (store/types.ts) and opens the default one (store/default-store.ts), nothing else of store/' }],
    packages: NOT_PLAYWRIGHT,
    // A selector's /regex/ ends at its first '/': \W stands for it.
    lazy: [{ pattern: '\\.\\W(cli|demo|serve|pool|record|refresh)\\W', message: 'replay/ never loads record/, refresh/ or the CLI: a refresher is handed in (refresh/open.ts)' }],
    why: 'a refresher is handed in (refresh/open.ts), and the replay path never loads Playwright',
  }),
  layer('refresh', { above: ['cli', 'demo', 'serve', 'pool', 'record'], packages: NOT_PLAYWRIGHT_OR_UNDICI, why: 'a re-login loads record/ lazily, with import()' }),
  layer('store', { above: ['cli', 'demo', 'serve', 'pool', 'record', 'replay', 'refresh'], packages: NOT_PLAYWRIGHT_OR_UNDICI, why: 'store/ sits below them' }),
  layer('session', { above: FOLDERS.filter((f) => f !== 'session' && f !== 'core'), packages: ONLY_ZOD, why: 'session/ sits below every folder but core/' }),
  layer('core', { above: FOLDERS.filter((f) => f !== 'core'), packages: ONLY_ZOD, why: 'core/ imports nothing of ours' }),
];

export default tseslint.config(
  { ignores: ['dist/', 'dist.*/', 'node_modules/', 'recordings/', 'test-results/', 'playwright-report/', 'docs/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', performance: 'readonly', AbortController: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layers,
);
