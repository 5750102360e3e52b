// The CRM timeline of a contact, company or deal, and `explain`: every decision about one message.
import type { DecisionWithInbox, Scoped, TimelineEntry } from '@reply-sync/db';
import { normalizeMessageId, reasonSentence, REASON_SENTENCES, type ReasonCode } from '@reply-sync/threading';
import { OperationError } from './operation-error';

export type TimelineTarget = { contact: string } | { company: string } | { deal: string };

export interface TimelineItem {
  id: string;
  /** The conversation it belongs to: a reply has its thread's id. */
  threadId: string;
  direction: 'inbound' | 'outbound';
  source: TimelineEntry['source'];
  at: Date;
  from: { address: string; name: string | null };
  to: string[];
  subject: string;
  messageId: string;
  attachments: { filename: string | null; contentType: string; size: number }[];
  attachmentsSkippedReason: string | null;
  /** Of a logged reply: what the inbox's own server said about the sender; null for emails the CRM sent (and replies logged before verification existed). */
  senderVerification: StoredVerification | null;
}

export interface StoredVerification {
  verified: boolean;
  dmarc: string | null;
  dkim: string | null;
  dkimAligned: boolean | null;
  spf: string | null;
  detail: string | null;
}

/** The auth_* columns of a logged email, as the CLI and the API show them. */
export function storedVerification(e: Pick<TimelineEntry, 'authVerified' | 'authDmarc' | 'authDkim' | 'authDkimAligned' | 'authSpf' | 'authDetail'>): StoredVerification | null {
  if (e.authVerified === null) return null;
  return { verified: e.authVerified, dmarc: e.authDmarc, dkim: e.authDkim, dkimAligned: e.authDkimAligned, spf: e.authSpf, detail: e.authDetail };
}

export interface Timeline {
  target: { kind: 'contact' | 'company' | 'deal'; id: string; label: string };
  entries: TimelineItem[];
}

export async function timelineFor(s: Scoped, target: TimelineTarget): Promise<Timeline> {
  let resolved: Timeline['target'];
  let entries: TimelineEntry[];
  if ('contact' in target) {
    const c = await s.contacts.findByEmail(target.contact);
    if (!c) throw new OperationError('contact_not_found', `There is no contact ${target.contact} in this account.`);
    resolved = { kind: 'contact', id: c.id, label: c.name ? `${c.name} <${c.email}>` : c.email };
    entries = await s.timeline.forContact(c.email);
  } else if ('company' in target) {
    const c = await s.companies.find(target.company);
    if (!c) throw new OperationError('company_not_found', `There is no company "${target.company}" in this account.`);
    resolved = { kind: 'company', id: c.id, label: c.name };
    entries = await s.timeline.forCompany(c.id);
  } else {
    const d = await s.deals.find(target.deal);
    if (!d) throw new OperationError('deal_not_found', `There is no deal "${target.deal}" in this account.`);
    resolved = { kind: 'deal', id: d.id, label: d.name };
    entries = await s.timeline.forDeal(d.id);
  }
  return {
    target: resolved,
    entries: entries.map((e) => ({
      id: e.id,
      threadId: e.threadId,
      direction: e.direction,
      source: e.source,
      at: e.at,
      from: { address: e.fromAddress, name: e.fromName },
      to: e.to.map((a) => a.address),
      subject: e.subject,
      messageId: e.messageId,
      attachments: e.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
      attachmentsSkippedReason: e.attachmentsSkippedReason,
      senderVerification: storedVerification(e),
    })),
  };
}

export interface ExplainedDecision {
  at: Date;
  inbox: { id: string; address: string };
  /** The folder the message was in when decided (the worker reads INBOX; `explain --look` the others). */
  mailbox: string;
  uidvalidity: number;
  uid: number;
  decision: DecisionWithInbox['decision'];
  reasonCode: string;
  sentence: string;
  detail: string | null;
  from: string | null;
  subject: string | null;
}

/** `Look`: what the CLI's `explain --look` adds after searching the inboxes' folders (IMAP, not this package's concern). */
export interface Explanation<Look = never> {
  messageId: string;
  /** Set when the Message-ID is an email on the timeline (sent/logged by the CRM, or a logged reply). */
  loggedEmail: { id: string; direction: 'inbound' | 'outbound'; source: string; subject: string; at: Date; senderVerification: StoredVerification | null } | null;
  decisions: ExplainedDecision[];
  /** Set when the inboxes' folders were searched for it (`explain` with no decision, or --look). */
  looked?: Look;
}

/** The sentence of a recorded reason code (threading's one table), also for a code a newer version wrote. */
export function decisionSentence(code: string): string {
  return code in REASON_SENTENCES ? reasonSentence(code as ReasonCode) : `Recorded with reason ${code}.`;
}

export async function explain(s: Scoped, messageId: string): Promise<Explanation> {
  if (!normalizeMessageId(messageId)) {
    throw new OperationError('invalid_message_id', `"${messageId}" is not a Message-ID; give it as in the header, e.g. <abc123@mail.example.com>.`);
  }
  const [rows, email] = await Promise.all([s.decisions.forMessageId(messageId), s.emails.getByMessageId(messageId)]);
  return {
    messageId: messageId.trim(),
    loggedEmail: email
      ? {
          id: email.id,
          direction: email.direction,
          source: email.source,
          subject: email.subject,
          at: email.receivedAt ?? email.sentAt ?? email.createdAt,
          senderVerification: storedVerification(email),
        }
      : null,
    decisions: rows.map((d) => ({
      at: d.createdAt,
      inbox: { id: d.inboxId, address: d.inboxAddress },
      mailbox: d.mailbox,
      uidvalidity: d.uidvalidity,
      uid: d.uid,
      decision: d.decision,
      reasonCode: d.reasonCode,
      sentence: decisionSentence(d.reasonCode),
      detail: d.detail,
      from: d.fromAddress,
      subject: d.subject,
    })),
  };
}
