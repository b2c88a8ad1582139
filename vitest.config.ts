import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test time is waiting on sockets, child processes and timers, not CPU: one worker
    // more than there are cores (vitest's default is one fewer) halves the suite on 2 cores
    // (about 600 s instead of 1,200 s here).
    maxWorkers: Math.max(3, availableParallelism() + 1),
    globalSetup: ['test/support/global-setup.ts'],
  },
});
