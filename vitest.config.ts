import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // In Node the /wasm entry resolves to the browser bundle, which only runs
    // single-threaded; the package root is ort's Node build.
    alias: { 'onnxruntime-web/wasm': 'onnxruntime-web' },
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
