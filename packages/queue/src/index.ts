// @reply-sync/queue: the fleet (the sharded registry of connected inboxes, the membership of workers,
// shard ownership) shared by the scheduler and the sync worker, and the send queue.
export { DEFAULT_QUEUE_NAME, QUEUE_PREFIX, type InboxJobData } from './inbox-job';
export { closeRedisConnection, createRedisConnection, type RedisConnection, type RedisConnectionOptions } from './redis-connection';
export type { RedisSource } from './redis-source';
export { redisUrlParts, unauthenticatedRedisProblem, RedisUrlError, type RedisUrlParts, type RedisClusterParts, type RedisNode } from './redis-url';
export { serverUrlProblems, ALLOW_UNAUTHENTICATED_ENV, type ServerUrls } from './server-url-policy';
export * from './fleet/index';
export {
  createLoginBudget,
  LoginBudgetError,
  type AcquireConnectionOptions,
  type ConnectionLease,
  type LoginBudget,
  type LoginBudgetErrorCode,
  type LoginBudgetOptions,
  type LoginGrant,
  type MailAccount,
} from './login-budget';
export {
  DEFAULT_LOGIN_BUDGET,
  LoginBudgetConfigError,
  loginBudgetConfigFromEnv,
  normalizeHost,
  parseLoginRates,
  rateFor,
  type HostRate,
  type LoginBudgetConfig,
} from './login-rates';
export * from './send-queue';
export * from './send-shards';
export * from './send-events';
export * from './send-workers';
export * from './close-workers';
export * from './webhook-queue';
export * from './inbound-queue';
