// Where a session starts reading: the stored checkpoint, or a fresh baseline at UIDNEXT-1.
//
// History before the inbox was connected is never imported, so a first connect starts at UIDNEXT-1.
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
