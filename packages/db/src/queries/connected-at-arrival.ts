// logReply's commit-time guard: was the inbox connected when the reply arrived? A session decides with
// the inbox row it loaded; if the inbox was disconnected or removed since (health check, a 535 on
// send, the CLI) and the session has not heard yet, its decide() still says "connected". This check
// runs inside the logging transaction against the row itself, so what reaches the timeline never
// depends on how fast a notification travels.
//
// The rule is "the inbox was connected when the reply arrived":
// - A reply that arrived at or after the disconnect moment is refused (inbox_disconnected), even when
//   an old session read it before it noticed.
// - A reply that arrived while the inbox was still connected is logged even when it is committed after
//   the disconnect (a slow catch-up, or the session that is just ending): it is the user's reply from
//   their connected period, the same as if the worker had been a second faster.
// - After a reconnect, a reply from the disconnected gap is refused, one from the new period logged.
//
// INTERNALDATE has whole seconds and the status changes have microseconds, so the second in which the
// status changed is ambiguous. We count it with the NEW status, both ways: a reply in the second the
// inbox connected counts as connected (decide()'s rule 6 floors connected_since the same way), and a
// reply in the second of a disconnect counts as disconnected. After a revocation, not logging a reply
// that may have arrived a few hundred milliseconds before it is the safer mistake. The two clocks are
// the mail server's (INTERNALDATE) and PostgreSQL's (status_since); on one host, or NTP-synced hosts,
// they agree well within that second.
//
// The inbox row is locked FOR KEY SHARE until the logging transaction ends. Every status change
// (markDisconnected, remove, reconnect, markConnected: lockInbox) takes FOR UPDATE first, which
// conflicts with it, so a disconnect either commits before this check (which then sees it) or waits
// until the reply is committed (and that reply was read, so arrived, before the disconnect took
// effect). KEY SHARE and not SHARE: it is the lock the logged_emails foreign key takes anyway, and it
// lets a checkpoint UPDATE (no key change) of one logReply proceed while another logReply of the same
// inbox holds it; with SHARE the two would deadlock. A status change made by plain SQL without
// SELECT ... FOR UPDATE is not serialised this way (the NOTIFY still ends the session).
import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { inboxes, inboxStatusHistory } from '../schema';

const SECOND_MS = 1000;

export type ArrivalVerdict = { connected: true } | { connected: false; detail: string };

const CONNECTED: ArrivalVerdict = { connected: true };

/**
 * Locks the inbox row (FOR KEY SHARE) for the rest of `tx` and says whether the inbox was connected
 * at `arrivedAt` (INTERNALDATE). null when the inbox is not in the account.
 */
export async function connectedAtArrival(tx: DbOrTx, accountId: string, inboxId: string, arrivedAt: Date): Promise<ArrivalVerdict | null> {
  const [row] = await tx
    .select({ status: inboxes.status, connectedSince: inboxes.connectedSince })
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.accountId, accountId)))
    .for('key share');
  if (!row) return null;
  const arrivedSecond = Math.floor(arrivedAt.getTime() / SECOND_MS) * SECOND_MS;
  // The common case, without a second query: connected now, and continuously since before the arrival.
  if (row.status === 'connected' && row.connectedSince && arrivedSecond >= Math.floor(row.connectedSince.getTime() / SECOND_MS) * SECOND_MS) {
    return CONNECTED;
  }
  // Otherwise the status history says which status was in effect at the end of the arrival's second.
  // (status_since alone is not enough: a later change, e.g. a removal after a disconnect, moves it.)
  const [change] = await tx
    .select({ status: inboxStatusHistory.status, reasonCode: inboxStatusHistory.reasonCode, at: inboxStatusHistory.at })
    .from(inboxStatusHistory)
    .where(
      and(
        eq(inboxStatusHistory.inboxId, inboxId),
        eq(inboxStatusHistory.accountId, accountId),
        lt(inboxStatusHistory.at, new Date(arrivedSecond + SECOND_MS)),
      ),
    )
    .orderBy(desc(inboxStatusHistory.at))
    .limit(1);
  // No change before it: the reply predates the inbox, which decide()'s own rule 6 judges.
  if (!change || change.status === 'connected') return CONNECTED;
  const reason = change.reasonCode ? ` (${change.reasonCode})` : '';
  return {
    connected: false,
    detail: `arrived ${new Date(arrivedSecond).toISOString()}, in or after the second the inbox was ${change.status} at ${change.at.toISOString()}${reason}`,
  };
}
