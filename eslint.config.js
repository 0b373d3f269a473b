import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Each zone below repeats this: a later `no-restricted-imports` setting
 * replaces an earlier one for the files it matches, it does not add to it.
 */
const ortOnlyThroughWrapper = { group: ['onnxruntime-web', 'onnxruntime-web/*'], message: 'Use src/engine/runtime/ort.ts.' };

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
      'no-restricted-imports': ['error', { patterns: [ortOnlyThroughWrapper] }],
    },
  },
  {
    // The engine is pure: it must run in Node and in any extension page.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/node/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ortOnlyThroughWrapper,
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
          ortOnlyThroughWrapper,
          { group: ['**/engine/**', '**/host/**', '**/background/**', 'wxt/browser', '#imports'], message: 'src/page is pure page logic; the content entrypoint wires it to the extension.' },
        ],
      }],
    },
  },
  {
    files: ['src/messaging/**/*.ts', 'src/settings/schema.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ortOnlyThroughWrapper,
          { group: ['**/engine/**', '**/host/**', '**/background/**', '**/page/**'], message: 'The protocol and settings schema are shared by every context and depend on none.' },
        ],
      }],
    },
  },
  {
    // The popup talks to the background and the page through messages only.
    files: ['src/popup/**/*.ts', 'entrypoints/popup/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ortOnlyThroughWrapper,
          { group: ['**/engine/**', '**/host/**', '**/background/**', '**/page/**'], message: 'The popup reaches the engine and the page through messages (src/popup/extension.ts).' },
        ],
      }],
    },
  },
  {
    // The engine host runs in an extension page of its own; it answers messages and knows nothing of who sends them.
    files: ['src/host/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ortOnlyThroughWrapper,
          { group: ['**/page/**', '**/background/**', '**/popup/**'], message: 'The engine host depends on the engine and the protocol only.' },
        ],
      }],
    },
  },
  {
    // The background routes messages; the engine runs in the host, so only its types may be named here.
    files: ['src/background/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ortOnlyThroughWrapper,
          { group: ['**/page/**', '**/popup/**'], message: 'The background reaches the page and the popup through messages.' },
          { group: ['**/engine/**', '**/host/**'], allowTypeImports: true, message: 'The engine runs in the engine host; the background may import its types only.' },
        ],
      }],
    },
  },
  {
    files: ['src/engine/runtime/ort.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
