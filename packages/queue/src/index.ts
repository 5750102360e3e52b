// @reply-sync/queue: the one-job-per-inbox BullMQ queue shared by the scheduler and the sync worker.
export {
  DEFAULT_QUEUE_NAME,
  QUEUE_PREFIX,
  queuePrefix,
  INBOX_JOB_NAME,
  inboxJobId,
  inboxIdFromJobId,
  type InboxJobData,
} from './inbox-job';
export {
  LOCK_DURATION_MS,
  STALLED_INTERVAL_MS,
  MAX_STALLED_COUNT,
  DEFAULT_SESSION_MAX_MS,
  DEFAULT_REQUEUE_DELAY_MS,
} from './worker-timing';
export { createRedisConnection, type RedisConnection, type RedisConnectionOptions } from './redis-connection';
export {
  redisUrlParts,
  unauthenticatedRedisProblem,
  RedisUrlError,
  type RedisUrlParts,
  type RedisClusterParts,
  type RedisNode,
} from './redis-url';
export { serverUrlProblems, ALLOW_UNAUTHENTICATED_ENV, type ServerUrls } from './server-url-policy';
export {
  createInboxQueue,
  createInboxWorker,
  INBOX_JOB_OPTIONS,
  type InboxJob,
  type InboxQueue,
  type InboxWorker,
  type RedisSource,
  type CreateInboxQueueOptions,
  type CreateInboxWorkerOptions,
} from './inbox-queue';
export { ensureInboxJobs, dropInboxJobs, listInboxJobIds, type DropResult } from './inbox-jobs';
export { requeueAtSessionEnd } from './requeue-at-session-end';
export * from './send-queue';
export * from './send-shards';
export * from './send-events';
export * from './send-workers';
