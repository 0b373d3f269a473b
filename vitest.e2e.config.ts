import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: real browsers with the built extension.
 *   npx vitest run --config vitest.e2e.config.ts
 * The global setup builds `.output/chrome-mv3` and `.output/firefox-mv2`
 * when they are missing or older than the sources (LIGHTCAP_E2E_BUILD=0 skips that).
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    // One browser at a time: the machine is small and the timings matter.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
  },
});
