import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '.output', '.wxt', 'dist', 'reports', 'models/**/*.py', 'scripts/_*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Exactly one module may load onnxruntime-web; everything else goes through it.
      'no-restricted-imports': ['error', { patterns: [{ group: ['onnxruntime-web', 'onnxruntime-web/*'], message: 'Use src/engine/runtime/ort.ts.' }] }],
    },
  },
  {
    // The engine is pure: it must run in Node and in any extension page.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/node/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['onnxruntime-web', 'onnxruntime-web/*'], message: 'Use src/engine/runtime/ort.ts.' },
          { group: ['node:*', 'sharp', 'fs', 'path'], message: 'Node-only code lives in src/engine/node/.' },
          { group: ['wxt', 'wxt/*', '#imports', '**/page/**', '**/messaging/**'], message: 'The engine knows nothing of the extension.' },
        ],
      }],
    },
  },
  {
    // Content-script code runs inside every page: no models, no extension-page code.
    files: ['src/page/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['onnxruntime-web', 'onnxruntime-web/*'], message: 'Use src/engine/runtime/ort.ts.' },
          { group: ['**/engine/**', '**/host/**', '**/background/**', 'wxt/browser', '#imports'], message: 'src/page is pure page logic; the content entrypoint wires it to the extension.' },
        ],
      }],
    },
  },
  {
    files: ['src/messaging/**/*.ts', 'src/settings/schema.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/engine/**', '**/host/**', '**/background/**', '**/page/**'], message: 'The protocol and settings schema are shared by every context and depend on none.' }],
      }],
    },
  },
  {
    files: ['src/engine/runtime/ort.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
