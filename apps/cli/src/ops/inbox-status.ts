// An inbox's state for support: `inbox list`, `inbox show` and the status history, with each reason's
// sentence. Database reads only (no mail server is contacted, so no IMAP code is loaded).
import { trustedAuthservIdsOf, type Inbox, type InboxStatusHistoryRow, type Scoped } from '@reply-sync/db';
import type { TlsMode } from '@reply-sync/mail';
import { disconnectSentence, isDisconnectReason } from '@reply-sync/mail/disconnect-reasons';
import { CliError } from '../cli-error';

export async function requireInbox(s: Scoped, inboxId: string): Promise<Inbox> {
  const inbox = /^[0-9a-f-]{36}$/i.test(inboxId) ? await s.inboxes.get(inboxId) : null;
  if (!inbox) throw new CliError('inbox_not_found', `There is no inbox ${inboxId} in this account (see \`reply-sync inbox list\`).`);
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
  lastError: string | null;
  lastErrorAt: Date | null;
  imap: { host: string; port: number; tls: TlsMode; username: string };
  /** TLS mode none is allowed to a server that is not on this machine (--allow-plaintext). */
  allowPlaintext: boolean;
}

export function reasonSentenceFor(reason: string | null, address: string): string | null {
  if (!reason) return null;
  return isDisconnectReason(reason) ? disconnectSentence(reason, { address }) : `Disconnected (${reason}).`;
}

export async function listInboxes(s: Scoped, options: { includeRemoved?: boolean } = {}): Promise<InboxListEntry[]> {
  const [inboxes, users] = await Promise.all([s.inboxes.list(options), s.users.list()]);
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  return inboxes.map((i) => ({
    id: i.id,
    address: i.address,
    aliases: i.aliases,
    kind: i.kind,
    provider: i.provider,
    ownerEmail: i.userId ? (emailOf.get(i.userId) ?? null) : null,
    status: i.status,
    reason: i.disconnectReason,
    reasonSentence: reasonSentenceFor(i.disconnectReason, i.address),
    reasonDetail: i.disconnectDetail,
    statusSince: i.statusSince,
    lastError: i.lastError,
    lastErrorAt: i.lastErrorAt,
    imap: { host: i.imapHost, port: i.imapPort, tls: i.imapTls, username: i.username },
    ...trustOf(i),
    allowPlaintext: i.allowPlaintext,
  }));
}

export async function inboxHistory(s: Scoped, inboxId: string): Promise<InboxStatusHistoryRow[]> {
  await requireInbox(s, inboxId);
  return s.inboxes.history(inboxId);
}

export interface InboxDetail extends InboxListEntry {
  smtp: { host: string; port: number | null; tls: TlsMode | null } | null;
  authKind: Inbox['authKind'];
  /** Status changes, newest first, each with its reason code, sentence and the provider's text. */
  history: { at: Date; status: Inbox['status']; reason: string | null; reasonSentence: string | null; detail: string | null }[];
}

/** One inbox for support staff: status, reason code and sentence, the provider's words, since when, last error, history. */
export async function showInbox(s: Scoped, inboxId: string): Promise<InboxDetail> {
  const inbox = await requireInbox(s, inboxId);
  const entry = (await listInboxes(s, { includeRemoved: true })).find((i) => i.id === inbox.id)!;
  const history = await s.inboxes.history(inbox.id);
  return {
    ...entry,
    smtp: inbox.smtpHost ? { host: inbox.smtpHost, port: inbox.smtpPort, tls: inbox.smtpTls } : null,
    authKind: inbox.authKind,
    history: history.map((h) => ({ at: h.at, status: h.status, reason: h.reasonCode, reasonSentence: reasonSentenceFor(h.reasonCode, inbox.address), detail: h.detail })),
  };
}
