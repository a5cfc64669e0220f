import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/** The soak test alone, after the rest of the suite (npm test runs both). */
export default defineConfig({
  test: { ...base.test, include: ['tests/integration/soak.test.ts'], exclude: ['**/node_modules/**'] },
});
