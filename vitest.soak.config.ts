import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The tests that measure latency under load they make themselves, after the rest of the suite and one
 * file at a time (npm test runs both configs): processes that other test files start beside them (an
 * API, a worker, a Redis) would be measured too.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['tests/integration/soak.test.ts', 'tests/integration/event-loop.test.ts'],
    exclude: ['**/node_modules/**'],
    maxWorkers: 1,
  },
});
