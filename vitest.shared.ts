// One vitest config shape for every workspace: integration tests talk to real servers, so they get
// generous timeouts and never share state (each test makes its own account, queue and mailbox users).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
