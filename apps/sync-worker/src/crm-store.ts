// The database side of one inbox session, as the session and catch-up use it: a thin adapter over
// @reply-sync/db's scoped(db, accountId) queries, so the IMAP code names what it needs in its own terms.
import {
  scoped,
  SYNCED_TOUCH_INTERVAL_MS,
  type Db,
  type DecisionInput,
  type EncryptionKeys,
  type LogReplyInput,
  type LogReplyResult,
  type LogRepliesOutcome,
} from '@reply-sync/db';
import type { LoggingStore } from './logging-mailbox';
import type { ContactRef, NeverLogEntry, SenderVerificationPolicy, ThreadRef } from '@reply-sync/threading';

export type InboxRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof scoped>['inboxes']['get']>>>;

/** What a stored credentials blob holds for each auth kind (written by the CLI's `inbox connect`). */
export interface StoredCredentials {
  password?: string;
  accessToken?: string;
  refreshToken?: string;
}

export interface CrmStore {
  loadInbox(): Promise<(InboxRecord & { credentials: StoredCredentials }) | null>;
  readInbox(): Promise<InboxRecord | null>;
  /**
   * A login succeeded and INBOX was examined: the run of transient errors is over (kept in the
   * history as recovered) and the inbox counts as synced. A disconnected inbox stays disconnected.
   */
  endErrorRun(): Promise<void>;
  /**
   * "Still syncing" (the session is caught up and its server answers): refreshes the inbox's
   * last_synced_at when it is older than SYNCED_TOUCH_INTERVAL_MS. Cheap to call on every keepalive:
   * within the interval after this store's last write it sends nothing at all.
   */
  touchSynced(): Promise<void>;
  markDisconnected(reason: string, detail: string | null): Promise<void>;
  /**
   * Returns the start of the current run of transient errors. `throttled` (errorAction's retry with a
   * throttle) records the last error without starting a run: a throttle never ends as server_unreachable.
   */
  recordTransientError(detail: string, options?: { throttled?: boolean }): Promise<Date | null>;
  saveCheckpoint(checkpoint: { uidvalidity: number; lastUid: number; highestModseq?: number | null }): Promise<void>;
  threadRefs(messageIdNorms: readonly string[]): Promise<Map<string, ThreadRef>>;
  loggedMessageIds(messageIdNorms: readonly string[]): Promise<Set<string>>;
  contactsByEmail(emails: readonly string[]): Promise<Map<string, ContactRef>>;
  neverLogEntries(): Promise<NeverLogEntry[]>;
  /** The account's policy for unverified senders (read once per session, like the never-log list). */
  senderVerificationPolicy(): Promise<SenderVerificationPolicy>;
  logReply(input: LogReplyInput): Promise<LogReplyResult>;
  /** Many replies of this inbox in one transaction; see @reply-sync/db's logReplies (deferred, refused values). */
  logReplies(inputs: LogReplyInput[]): Promise<LogRepliesOutcome>;
  /** A logging mailbox's folder checkpoints and spool (logging-mailbox.ts). */
  logging: LoggingStore;
  /** Decisions of a batch and the checkpoint after it, in one transaction. */
  recordDecisions(
    rows: DecisionInput[],
    checkpoint: { uidvalidity: number; lastUid: number; highestModseq?: number | null },
  ): Promise<void>;
}

export function createCrmStore(db: Db, accountId: string, inboxId: string, keys: EncryptionKeys): CrmStore {
  const q = scoped(db, accountId);
  // When last_synced_at was last written, as far as this store knows (the row it loaded, its own
  // writes). The database's own check (touchSynced's WHERE) decides; this only saves the round-trips
  // in between, so a session that starts on a fresh value sends nothing until it is due.
  let syncedAt = -Infinity;
  const synced = (at = Date.now()) => {
    syncedAt = Math.max(syncedAt, at);
  };
  return {
    async loadInbox() {
      const row = await q.inboxes.getWithCredentials<StoredCredentials>(inboxId, keys);
      if (row?.lastSyncedAt) synced(row.lastSyncedAt.getTime());
      return row;
    },
    readInbox: () => q.inboxes.get(inboxId),
    async endErrorRun() {
      if (await q.inboxes.endErrorRun(inboxId)) synced();
    },
    async touchSynced() {
      if (Date.now() - syncedAt < SYNCED_TOUCH_INTERVAL_MS) return;
      // Written or already fresh (another session, a checkpoint): either way not again for an interval.
      await q.inboxes.touchSynced(inboxId);
      synced();
    },
    async markDisconnected(reason, detail) {
      await q.inboxes.markDisconnected(inboxId, reason, detail);
    },
    async recordTransientError(detail, options) {
      const change = await q.inboxes.recordTransientError(inboxId, detail, options);
      return change.firstErrorAt;
    },
    async saveCheckpoint(checkpoint) {
      await q.inboxes.saveCheckpoint(db, inboxId, checkpoint);
      synced();
    },
    threadRefs: (ids) => q.emails.findThreadRefs(ids),
    loggedMessageIds: (ids) => q.emails.loggedMessageIds(ids),
    async contactsByEmail(emails) {
      const found = await q.contacts.findByEmails(emails);
      return new Map(found.map((c) => [c.email.toLowerCase(), c]));
    },
    neverLogEntries: () => q.neverLog.entries(),
    senderVerificationPolicy: () => q.account.senderVerification(),
    logReply: (input) => q.emails.logReply(input),
    logReplies: (inputs) => q.emails.logReplies(inboxId, inputs),
    logging: q.inbound,
    async recordDecisions(rows, checkpoint) {
      await q.decisions.record(rows, { inboxId, ...checkpoint });
      synced();
    },
  };
}
