// What the scheduler needs of a `reply_sync_inboxes` NOTIFY (parsed by @reply-sync/db, which owns the
// trigger): which inbox, and whether it should have a job.
import { INBOX_NOTIFY_CHANNEL, parseInboxNotification as parsePayload } from '@reply-sync/db';

export const INBOX_CHANNEL = INBOX_NOTIFY_CHANNEL;

export interface InboxNotification {
  inboxId: string;
  accountId: string;
  /** True when the inbox should have a job. */
  connected: boolean;
}

/** undefined for a payload that is not ours (logged by the caller, never thrown). */
export function parseInboxNotification(payload: string): InboxNotification | undefined {
  const parsed = parsePayload(payload);
  if (!parsed) return undefined;
  return { inboxId: parsed.inboxId, accountId: parsed.accountId, connected: parsed.status === 'connected' };
}
