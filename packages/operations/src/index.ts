// @reply-sync/operations: what the CLI and the HTTP API both do to an account's data (connect an inbox,
// read its status, add a contact...), each a function of a Scoped and typed input returning data, with
// failures as OperationError (a code and a sentence). The apps only parse, print or answer.
export { OperationError } from './operation-error';
export { toOperationError } from './to-operation-error';
export { TLS_MODES } from './tls-modes';
export * from './accounts';
export * from './contacts';
export * from './tracking-settings';
export * from './inboxes';
export * from './inbox-status';
export * from './oauth-inboxes';
export * from './timeline';
export * from './log-email';
export { LOG_SOURCES, type LogSource } from './log-sources';
export * from './save-outgoing';
export * from './explain-tracking';
