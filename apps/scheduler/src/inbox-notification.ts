// Parses the payload of the `reply_sync_inboxes` NOTIFY (trigger in packages/db/drizzle/0001_*.sql).
import { INBOX_NOTIFY_CHANNEL } from '@reply-sync/db';
import { z } from 'zod';

export const INBOX_CHANNEL = INBOX_NOTIFY_CHANNEL;

const PayloadSchema = z.object({
  op: z.string(),
  inboxId: z.string().min(1),
  accountId: z.string().min(1),
  /** 'connected' | 'disconnected' | 'removed', or 'deleted' when the row was deleted. */
  status: z.string(),
});

export interface InboxNotification {
  inboxId: string;
  accountId: string;
  /** True when the inbox should have a job. */
  connected: boolean;
}

/** undefined for a payload that is not ours (logged by the caller, never thrown). */
export function parseInboxNotification(payload: string): InboxNotification | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { inboxId, accountId, status } = parsed.data;
  return { inboxId, accountId, connected: status === 'connected' };
}
