// ESLint (flat config): TypeScript rules with type information, the Rules of Hooks (and the
// React Compiler's checks that come with eslint-plugin-react-hooks 7), and accessibility checks
// of JSX. `npm run lint` runs it after the type checks, with no warning allowed.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated or built files; the browser tests (e2e/) have their own runner's conventions.
  globalIgnores(['dist/', 'dev-dist/', 'e2e/', 'e2e-artifacts/', 'test-results/', 'playwright-report/', 'src/types/api.d.ts']),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_` marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Event handlers may return promises React ignores: `onClick={() => void save()}` is the
      // house style, so only a promise passed where a void callback is expected is an error.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest'], jsxA11y.flatConfigs.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Test doubles of async interfaces (fetch, a queue's `execute`) are written as async
    // functions that answer at once; requiring an `await` in them would only add noise.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Node scripts and the Vite config.
    files: ['scripts/**/*.{js,mjs}', '*.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
