import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The soak and the event-loop test run on their own afterwards (vitest.soak.config.ts): a minute of
    // load would distort the timing-sensitive tests beside it, and processes other files start would
    // distort the event-loop test's latencies.
    exclude: ['tests/integration/soak.test.ts', 'tests/integration/event-loop.test.ts', '**/node_modules/**'],
    pool: 'forks',
    // Two cores: two test files at a time, each with its own Redis key prefix.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ['tests/helpers/global-setup.ts'],
  },
});
