// The login budget's tests: budgets on their own key prefix over connections to the stack's Redis
// (password-protected, as in production), and the windowed count that says whether a rate was kept.
import { randomUUID } from 'node:crypto';
import type { RedisConnection as Redis } from '../src/index';
import { createLoginBudget, createRedisConnection, type LoginBudget, type LoginBudgetConfig, type LoginBudgetOptions } from '../src/index';
import { redisUrl } from './helpers';

export interface BudgetWorld {
  /** One budget per connection, as separate worker processes would have. */
  budgets: LoginBudget[];
  connections: Redis[];
  close(): Promise<void>;
}

export function budgetWorld(config: Partial<LoginBudgetConfig> & Pick<LoginBudgetConfig, 'defaultRate'>, count = 2, options: LoginBudgetOptions = {}): BudgetWorld {
  const full: LoginBudgetConfig = { hostRates: new Map(), extraConnectionsPerAccount: 3, ...config };
  const prefix = `test-budget-${randomUUID().slice(0, 8)}`;
  const connections = Array.from({ length: count }, (_, i) => createRedisConnection(redisUrl, { forWorker: false, connectionName: `login-budget-test-${i}` }));
  return {
    budgets: connections.map((c) => createLoginBudget(c, full, { prefix, ...options })),
    connections,
    async close() {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** The most grants inside any window of `windowMs` (grant times in ms, any order). */
export { maxInWindow } from '@reply-sync/testkit';
