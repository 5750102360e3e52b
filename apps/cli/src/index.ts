// @reply-sync/cli: the operator CLI. Each command's logic is a function of typed inputs returning
// data (src/ops), so tests and the demo call it without spawning; commander only parses and prints.
export { runCli } from './main';
export { CliError } from './cli-error';
export { toCliError } from './to-cli-error';
export { loadCliEnv, withStackDefaults, readStackEnv, type CliEnv } from './env';
export { resolveAccount } from './command-context';
export * from '@reply-sync/operations/accounts';
export * from '@reply-sync/operations/contacts';
export * from '@reply-sync/operations/inboxes';
export * from '@reply-sync/operations/inbox-status';
export * from '@reply-sync/operations/log-email';
export * from '@reply-sync/operations/timeline';
export * from './ops/oauth-inboxes';
