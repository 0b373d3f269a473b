import { readFileSync } from 'node:fs';
import { compile } from 'svelte/compiler';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vitest/config';

/**
 * Popup components compiled for the DOM with Svelte's own compiler: the few
 * lines vite-plugin-svelte would do here (script lang="ts" is type-only,
 * which Svelte 5 strips itself; styles are injected).
 */
function svelteComponents(): Plugin {
  return {
    name: 'lightcap-svelte-components',
    load(id) {
      if (!id.endsWith('.svelte')) return null;
      const { js } = compile(readFileSync(id, 'utf8'), { filename: id, generate: 'client', css: 'injected' });
      return { code: js.code, map: js.map };
    },
  };
}

export default defineConfig({
  resolve: {
    // In Node the /wasm entry resolves to the browser bundle, which only runs
    // single-threaded; the package root is ort's Node build.
    alias: { 'onnxruntime-web/wasm': 'onnxruntime-web' },
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'], exclude: ['tests/unit/**/*.svelte.test.ts'] },
      },
      {
        // Svelte's browser build (mount) for component tests, kept apart: the browser condition would
        // also pick browser builds of other packages (onnxruntime-web among them) for the unit tests.
        extends: true,
        plugins: [svelteComponents()],
        resolve: { conditions: ['browser'] },
        test: { name: 'components', include: ['tests/unit/**/*.svelte.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
