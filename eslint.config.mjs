import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.e2e/**', 'out/**', 'examples/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: ['vscode', 'koffi'].map((name) => ({ name, message: 'only client/ may import vscode; only debug-adapter/kernel/ may import koffi' })) }],
    },
  },
  { files: ['client/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'koffi', message: 'only debug-adapter/kernel/ may import koffi' }] }] } },
  { files: ['test/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'tests run in plain Node; the e2e drives a real VS Code' }] }] } },
  // the extension host's suites run inside VS Code (test/extension-host/index.ts loads them there)
  { files: ['test/extension-host/suite*/**/*.ts', 'test/extension-host/support.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['debug-adapter/kernel/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'only client/ may import vscode' }] }] } },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', 'koffi'].map((name) => ({ name, message: 'core/ is pure TypeScript' })),
        patterns: [{ group: ['vscode-languageserver*', 'vscode-languageclient*', '@vscode/debug*'], message: 'core/ is pure TypeScript: no LSP or DAP' }],
      }],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
