import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Bundles the action once for the tests that run it.
          globalSetup: ['test/unit/global-setup.ts'],
          // Files share worker processes, each file starting afresh (see each-file.ts): half the time.
          isolate: false,
          setupFiles: ['test/unit/each-file.ts'],
          // Most files wait on servers, programs and timers rather than on the CPU.
          maxWorkers: 4,
          testTimeout: 30_000,
          // Hooks build git histories and certificates with real programs: on a busy machine that takes
          // longer than vitest's default of 10 s.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          // One lab serves every scenario: run the files one after another.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 3_600_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['test/bench/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 3_600_000,
        },
      },
    ],
  },
});
