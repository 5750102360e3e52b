// The fleet's login budget for `explain --look`: each inbox it searches is a short extra IMAP
// connection, so it takes one of the account's slots and a login of the host's rate, like the
// workers' short connections. Without Redis (REDIS_URL unset, or not answering) it looks anyway: one
// read-only connection an operator asked for is far below any provider's cap, and `explain` stays
// usable when Redis is down. The result says whether the budget was applied.
import { createLoginBudget, createRedisConnection, type LoginBudget } from '@reply-sync/queue';
import type { CliEnv } from '../env';

export interface LookBudget {
  /** Absent when the budget is not applied (then `note` says why). */
  budget?: Pick<LoginBudget, 'withExtraConnection'>;
  note?: string;
  close(): Promise<void>;
}

export function openLookBudget(env: CliEnv): LookBudget {
  const config = env.loginBudget();
  let url: string;
  try {
    url = env.redisUrl();
  } catch (error) {
    return { note: `${error instanceof Error ? error.message : String(error)} So the fleet's login budget was not applied.`, close: async () => undefined };
  }
  const redis = createRedisConnection(url, { forWorker: false, connectionName: 'reply-sync-cli-look' });
  redis.on('error', () => undefined); // a failed command says it (LoginBudgetError login_budget_unavailable)
  return {
    budget: createLoginBudget(redis, config),
    close: () => redis.quit().then(() => undefined, () => redis.disconnect()),
  };
}
