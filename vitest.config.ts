import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Compat tests start brokers on ephemeral ports and spawn clients; a couple in parallel is fine on 2 cores.
    maxWorkers: 2,
  },
});
