// @reply-sync/webhooks: webhook subscriptions (for the CLI and the HTTP API), URL safety, the event
// catalogue and the body receivers get. Delivery itself runs in apps/webhook-worker.
export * from './webhook-error';
export * from './url-safety';
export * from './event-types';
export * from './attempt-errors';
export * from './webhook-body';
export * from './subscriptions';
