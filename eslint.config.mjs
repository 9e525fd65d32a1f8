// ESLint: typescript-eslint recommended everywhere, determinism rules for workflow code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const workflowImportPatterns = [
  'node:*',
  'fs',
  'path',
  'crypto',
  'pg',
  '@mikro-orm/*',
  'ws',
  'nodemailer',
  '../db/*',
  '../api/*',
  '../media/*',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tools/**', 'dist/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // Workflow code must be deterministic: no Node built-ins, no I/O modules, no timers.
      'no-restricted-imports': [
        'error',
        {
          patterns: workflowImportPatterns,
          // A handler that acted on a message sent to Temporal in clear would let anyone forge one.
          paths: [
            {
              name: '@temporalio/workflow',
              importNames: ['setHandler'],
              message: "import setHandler from './payload-origin': it refuses messages that reached Temporal in clear",
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process'],
    },
  },
  // The one place that wraps the SDK's setHandler.
  {
    files: ['workflows/payload-origin.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: workflowImportPatterns }] },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // Formatting is Prettier's (npm run format; npm test checks it).
  prettier,
);
