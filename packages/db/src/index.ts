// @reply-sync/db: schema, migrations, credential encryption and the account-scoped queries.
export * from './schema';
export * from './client';
export * from './connection/index';
export * from './migrate';
export * from './crypto/index';
export * from './errors';
export * from './scoped';
export * from './system-queries';
export { toInboxContext } from './queries/inboxes';
export type { Inbox, InboxWithCredentials, CreateInboxInput, ServerSettings, StatusChange } from './queries/inboxes';
export type { StoredOAuthCredentials, OAuthInboxRow } from './queries/oauth-credentials';
export type { Checkpoint, SavedCheckpoint } from './queries/checkpoint';
export type { LogReplyInput, LogReplyResult, LogOutboundInput, LogOutboundResult, AttachmentInput } from './queries/emails';
export type { DecisionInput, DecisionWithInbox, InboxCheckpoint } from './queries/decisions';
export { decisionOutcome } from './queries/decisions';
export type { TimelineEntry, TimelineAttachment } from './queries/timeline';
export type { AddContactInput, ContactWithLinks } from './queries/contacts';
export { normalizeNeverLogValue } from './queries/never-log';
