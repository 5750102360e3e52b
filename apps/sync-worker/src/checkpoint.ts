// Where a session starts reading: the stored checkpoint, or a fresh baseline at UIDNEXT-1.
//
// History before the inbox was connected is never imported, so a first connect starts at UIDNEXT-1,
// moved back over the messages that arrived after the user connected the inbox but before this first
// session opened it (firstConnectBaseline): the seconds between `inbox connect` and a worker picking
// up the job must not cost a reply.
// A changed UIDVALIDITY means every stored UID is meaningless; we re-baseline at UIDNEXT-1 without
// replaying the mailbox. Nothing is lost by that for messages we already examined (dedupe is by
// Message-ID, never by UID); messages that arrived in the instant between the server renumbering and
// our EXAMINE are the accepted cost, as with any IMAP client that meets a UIDVALIDITY change.

export interface StoredCheckpoint {
  uidvalidity: number | null;
  lastUid: number | null;
}

export interface MailboxState {
  uidValidity: number;
  uidNext: number;
}

export type CheckpointStart =
  | { kind: 'resume'; uidvalidity: number; lastUid: number }
  | { kind: 'baseline'; uidvalidity: number; lastUid: number; why: 'first_connect' | 'uidvalidity_changed' };

export function startCheckpoint(stored: StoredCheckpoint, mailbox: MailboxState): CheckpointStart {
  const baselineUid = Math.max(0, mailbox.uidNext - 1);
  if (stored.uidvalidity === null || stored.lastUid === null) {
    return { kind: 'baseline', uidvalidity: mailbox.uidValidity, lastUid: baselineUid, why: 'first_connect' };
  }
  if (stored.uidvalidity !== mailbox.uidValidity) {
    return { kind: 'baseline', uidvalidity: mailbox.uidValidity, lastUid: baselineUid, why: 'uidvalidity_changed' };
  }
  return { kind: 'resume', uidvalidity: stored.uidvalidity, lastUid: stored.lastUid };
}

/** How many of the newest messages a first connect looks at to find the ones that came after connecting. */
export const FIRST_CONNECT_WINDOW = 500;

export interface Arrival {
  uid: number;
  arrivedAt: Date;
}

/**
 * The last UID that arrived before the inbox was connected, given the newest messages (ascending UIDs,
 * at most FIRST_CONNECT_WINDOW of them, ending at UIDNEXT-1). INTERNALDATE has whole seconds, so the
 * connection time is floored to the second: a message of the same second counts as after connecting.
 */
export function firstConnectBaseline(arrivals: Arrival[], connectedSince: Date, uidNext: number): number {
  const since = Math.floor(connectedSince.getTime() / 1000) * 1000;
  let baseline = arrivals.length > 0 ? arrivals[0]!.uid - 1 : Math.max(0, uidNext - 1);
  for (const { uid, arrivedAt } of arrivals) {
    if (arrivedAt.getTime() < since) baseline = uid;
  }
  return baseline;
}
