// @reply-sync/webhook-worker: the relay and the delivery worker of webhooks (`reply-sync webhooks`).
export { parseWebhookWorkerEnv, WebhookWorkerEnvError, type WebhookWorkerEnv } from './env';
export { runWebhookWorker } from './run-webhook-worker';
export { startWebhookWorker, type RunningWebhookWorker } from './webhook-worker';
export { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker';
export { startRelay, type Relay } from './relay';
export { DEFAULT_RETRY_SCHEDULE_MS, DEFAULT_DISABLE_AFTER_MS, retryDelay, parseRetrySchedule } from './retry-schedule';
export { createLogger } from './logger';
