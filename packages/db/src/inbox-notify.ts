// The `reply_sync_inboxes` NOTIFY (trigger in drizzle/0001_inbox_notify_trigger.sql): sent at commit
// whenever an inbox is inserted, changes status or credentials_version, or is deleted. The scheduler
// adds and drops jobs on it; every worker process ends the sessions of inboxes that stopped.
import { z } from 'zod';

export const INBOX_NOTIFY_CHANNEL = 'reply_sync_inboxes';

export interface InboxNotification {
  op: 'insert' | 'update' | 'delete';
  inboxId: string;
  accountId: string;
  /** The row's status after the change, or 'deleted' when the row was deleted. */
  status: 'connected' | 'disconnected' | 'removed' | 'deleted';
  credentialsVersion: number;
}

const PayloadSchema = z.object({
  op: z.enum(['insert', 'update', 'delete']),
  inboxId: z.string().min(1),
  accountId: z.string().min(1),
  status: z.enum(['connected', 'disconnected', 'removed', 'deleted']),
  credentialsVersion: z.number().int(),
});

/** undefined for a payload that is not ours (the caller logs it; never thrown). */
export function parseInboxNotification(payload: string): InboxNotification | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = PayloadSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
