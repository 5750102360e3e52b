// @reply-sync/sync-worker: the data plane. `runWorker(env)` runs a process until SIGTERM;
// `startWorker(...)` embeds one (the CLI, tests, the demo).
export { runWorker } from './run-worker';
export { startWorker, type StartWorkerOptions, type RunningWorker } from './worker';
export { parseWorkerEnv, WorkerEnvError, type WorkerEnv } from './env';
export { createLogger, type Logger } from './logger';
export { createMetrics, type WorkerMetrics } from './metrics';
export { runInboxSession, type SessionDeps, type SessionOutcome, type SessionConfig } from './inbox-session';
export type { StoredCredentials, InboxRecord } from './crm-store';
export { syntheticMessageId, SYNTHETIC_MESSAGE_ID_DOMAIN } from './synthetic-message-id';
export { MAX_ATTACHMENT_BYTES } from './reply-content';
export * from './send/index';
