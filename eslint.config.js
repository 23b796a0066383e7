// ESLint: rules that catch bugs and keep the code honest, no style rules (Prettier owns layout).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench-results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['apps/console/vite.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Types at every boundary: no `any` in product code (tests may mock loosely, see below).
      '@typescript-eslint/no-explicit-any': 'error',
      // A promise that nobody awaits loses its error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // `import type` for what is only a type: the emitted ES modules stay free of them.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // tsc reports unused locals and parameters already (noUnused*); `_name` marks a deliberate one.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Declaration merging of Nest modules and empty marker classes are deliberate.
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `{} extends Fields` tells a command with no required field in the typed builders.
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
);
