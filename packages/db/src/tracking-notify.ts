// The `reply_sync_tracking_events` NOTIFY: sent by insertTrackingEvents in the statement that inserts a
// person's open or click (so at its commit, never for a rolled-back batch). It carries ids only: the
// account and the new tracking events' ids; each API process LISTENs once and loads what its SSE clients
// of that account may see.
import { z } from 'zod';

export const TRACKING_EVENTS_CHANNEL = 'reply_sync_tracking_events';

/** Events per notification: ~40 bytes an id keeps a payload far below PostgreSQL's 8,000-byte limit. */
export const TRACKING_NOTIFY_CHUNK = 150;

export interface TrackingNotification {
  accountId: string;
  eventIds: string[];
}

const PayloadSchema = z.object({ a: z.uuid(), e: z.array(z.uuid()).max(TRACKING_NOTIFY_CHUNK) });

/** undefined for a payload that is not ours (the caller logs it; never thrown). */
export function parseTrackingNotification(payload: string): TrackingNotification | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = PayloadSchema.safeParse(json);
  return parsed.success ? { accountId: parsed.data.a, eventIds: parsed.data.e } : undefined;
}
