// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // typescript-eslint 8.74: overflows the stack on the Odoo simulator's recursive value types.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // The project declares no TypeScript enum (zod enums are string unions), and this rule took a
      // quarter of the lint's time.
      '@typescript-eslint/no-unsafe-enum-assignment': 'off',
      // Style, not defects: `x!` after a lookup whose presence the code has just established (the
      // compiler's noUncheckedIndexedAccess asks for it), `() => void f()` and async functions
      // that implement an async interface without awaiting.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/require-await': 'off',
      // Numbers and booleans read well in messages; an object, undefined or null in one is a defect.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // A leading underscore marks a name left unused on purpose: a property a rest spread leaves out, a parameter a signature imposes.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Kysely's Migration interface takes Kysely<any>: a migration must not depend on today's schema types.
    files: ['connector/store/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The dashboard's browser sources: their own project, with the DOM library (they are not in the root one).
    files: ['connector/app/dashboard/ui/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './connector/app/dashboard/ui/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Jest's asymmetric matchers (expect.any, expect.stringMatching, …) are typed any, and tests put them in objects.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  prettier,
);
