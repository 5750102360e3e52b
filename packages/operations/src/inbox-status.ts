// What support sees about an inbox (`inbox list`, `inbox show`): its status with the reason and its
// sentence, when it last synced, the current run of errors if there is one, and the history, where a
// run of errors that ended by itself is a `recovered` row rather than a current error.
// Database reads only (no mail server is contacted, so no IMAP code is loaded).
import { RECOVERED_REASON, trustedAuthservIdsOf, type Inbox, type InboxStatusHistoryRow, type KeysetPosition, type KeysetQuery, type Scoped } from '@reply-sync/db';
import type { TlsMode } from '@reply-sync/mail';
import { isStatusReason, statusReasonSentence, UNKNOWN_STATUS_REASON_SENTENCE } from '@reply-sync/mail/disconnect-reasons';
import { OperationError } from './operation-error';

export async function requireInbox(s: Scoped, inboxId: string): Promise<Inbox> {
  const inbox = /^[0-9a-f-]{36}$/i.test(inboxId) ? await s.inboxes.get(inboxId) : null;
  if (!inbox) throw new OperationError('inbox_not_found', `There is no inbox ${inboxId} in this account.`, undefined, { step: 'list_inboxes' });
  return inbox;
}

/** Which Authentication-Results sender verification trusts for an inbox (see ops/sender-verification.ts). */
export interface InboxTrust {
  trustedAuthservIds: string[];
  /** `inbox`: its own list; `provider`: the provider's default (the inbox has none of its own). */
  trustedAuthservIdsFrom: 'inbox' | 'provider';
}

export function trustOf(inbox: Pick<Inbox, 'provider' | 'trustedAuthservIds'>): InboxTrust {
  return { trustedAuthservIds: trustedAuthservIdsOf(inbox), trustedAuthservIdsFrom: inbox.trustedAuthservIds === null ? 'provider' : 'inbox' };
}


/** A run of transient errors that ended when the inbox synced again (a `recovered` history row). */
export interface Recovery {
  /** When the inbox synced again. */
  recoveredAt: Date;
  /** The run's last error. */
  error: string | null;
  firstErrorAt: Date | null;
  lastErrorAt: Date | null;
}

export interface InboxListEntry extends InboxTrust {
  id: string;
  address: string;
  aliases: string[];
  kind: Inbox['kind'];
  provider: Inbox['provider'];
  ownerEmail: string | null;
  status: Inbox['status'];
  /** Disconnect reason code (null while connected). */
  reason: string | null;
  /** The support-facing sentence for the reason. */
  reasonSentence: string | null;
  /** The provider's or server's own words. */
  reasonDetail: string | null;
  statusSince: Date;
  /** When a session last had INBOX read up to date; null: never. While idle it may lag up to 15 minutes. */
  lastSyncedAt: Date | null;
  /** The current run of transient errors: its latest error, when that was, and since when it fails (all null when none). */
  lastError: string | null;
  lastErrorAt: Date | null;
  firstErrorAt: Date | null;
  /** The newest run of errors that has ended (history, not a current error); null when there was none. */
  lastRecovery: Recovery | null;
  imap: { host: string; port: number; tls: TlsMode; username: string };
  /** TLS mode none is allowed to a server that is not on this machine (--allow-plaintext). */
  allowPlaintext: boolean;
}

export function reasonSentenceFor(reason: string | null, address: string): string | null {
  if (!reason) return null;
  return isStatusReason(reason) ? statusReasonSentence(reason, { address }) : UNKNOWN_STATUS_REASON_SENTENCE.replace('{code}', () => reason);
}

function recoveryOf(row: InboxStatusHistoryRow | undefined): Recovery | null {
  return row ? { recoveredAt: row.at, error: row.detail, firstErrorAt: row.firstErrorAt, lastErrorAt: row.lastErrorAt } : null;
}

function listEntry(i: Inbox, ownerEmail: string | null, recovery: InboxStatusHistoryRow | undefined): InboxListEntry {
  return {
    id: i.id,
    address: i.address,
    aliases: i.aliases,
    kind: i.kind,
    provider: i.provider,
    ownerEmail,
    status: i.status,
    reason: i.disconnectReason,
    reasonSentence: reasonSentenceFor(i.disconnectReason, i.address),
    reasonDetail: i.disconnectDetail,
    statusSince: i.statusSince,
    lastSyncedAt: i.lastSyncedAt,
    lastError: i.lastError,
    lastErrorAt: i.lastErrorAt,
    firstErrorAt: i.firstErrorAt,
    lastRecovery: recoveryOf(recovery),
    imap: { host: i.imapHost, port: i.imapPort, tls: i.imapTls, username: i.username },
    ...trustOf(i),
    allowPlaintext: i.allowPlaintext,
  };
}

export async function listInboxes(s: Scoped, options: { includeRemoved?: boolean } = {}): Promise<InboxListEntry[]> {
  const [inboxes, users] = await Promise.all([s.inboxes.list(options), s.users.list()]);
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  const recoveries = await s.inboxes.latestRecoveries(inboxes.map((i) => i.id));
  return inboxes.map((i) => listEntry(i, i.userId ? (emailOf.get(i.userId) ?? null) : null, recoveries.get(i.id)));
}

/** One page of the inboxes, newest first, read in SQL with their owners and latest recoveries (the API's list). */
export async function pageInboxes(s: Scoped, q: KeysetQuery & { status?: Inbox['status'] | undefined }): Promise<(InboxListEntry & { position: KeysetPosition })[]> {
  const inboxes = await s.inboxes.page(q);
  const [users, recoveries] = await Promise.all([s.users.getMany(inboxes.flatMap((i) => (i.userId ? [i.userId] : []))), s.inboxes.latestRecoveries(inboxes.map((i) => i.id))]);
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  return inboxes.map((i) => ({ ...listEntry(i, i.userId ? (emailOf.get(i.userId) ?? null) : null, recoveries.get(i.id)), position: i.position }));
}

export async function inboxHistory(s: Scoped, inboxId: string): Promise<InboxStatusHistoryRow[]> {
  await requireInbox(s, inboxId);
  return s.inboxes.history(inboxId);
}

export interface InboxHistoryEntry {
  at: Date;
  status: Inbox['status'];
  reason: string | null;
  reasonSentence: string | null;
  /** The provider's words for a disconnect; for `recovered`, the last error of the run. */
  detail: string | null;
  /** `recovered` only: the span of the run of errors (null otherwise). */
  firstErrorAt: Date | null;
  lastErrorAt: Date | null;
}

export interface InboxDetail extends InboxListEntry {
  smtp: { host: string; port: number | null; tls: TlsMode | null } | null;
  authKind: Inbox['authKind'];
  /** The account's catch-all logging mailbox (`inbox logging`): its replies are not synced, its folders are read for logging. */
  logging: boolean;
  /** The folders read while `logging` (what `inbox logging --folders` set; INBOX by default); empty when not. */
  loggingFolders: string[];
  /** Status changes and recoveries, newest first, each with its reason code, sentence and text. */
  history: InboxHistoryEntry[];
}

/** One inbox for support staff: everything `inbox list` shows, the SMTP settings, and the status history. */
export async function showInbox(s: Scoped, inboxId: string): Promise<InboxDetail> {
  const inbox = await requireInbox(s, inboxId);
  const [owner, history] = await Promise.all([inbox.userId ? s.users.get(inbox.userId) : null, s.inboxes.history(inbox.id)]);
  const newestRecovery = history.find((h) => h.reasonCode === RECOVERED_REASON);
  return {
    ...listEntry(inbox, owner?.email ?? null, newestRecovery),
    smtp: inbox.smtpHost ? { host: inbox.smtpHost, port: inbox.smtpPort, tls: inbox.smtpTls } : null,
    authKind: inbox.authKind,
    logging: inbox.logging,
    loggingFolders: inbox.logging ? inbox.loggingFolders : [],
    history: history.map((h) => ({
      at: h.at,
      status: h.status,
      reason: h.reasonCode,
      reasonSentence: reasonSentenceFor(h.reasonCode, inbox.address),
      detail: h.detail,
      firstErrorAt: h.firstErrorAt,
      lastErrorAt: h.lastErrorAt,
    })),
  };
}
