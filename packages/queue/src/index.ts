// @reply-sync/queue: the fleet (the sharded registry of connected inboxes, the membership of workers,
// shard ownership) shared by the scheduler and the sync worker, and the send queue.
export { DEFAULT_QUEUE_NAME, QUEUE_PREFIX, type InboxJobData } from './inbox-job';
export { createRedisConnection, type RedisConnectionOptions } from './redis-connection';
export type { RedisSource } from './redis-source';
export { redisUrlParts, unauthenticatedRedisProblem, RedisUrlError, type RedisUrlParts } from './redis-url';
export { serverUrlProblems, ALLOW_UNAUTHENTICATED_ENV, type ServerUrls } from './server-url-policy';
export * from './fleet/index';
export * from './send-queue';
