// The CRM timeline of a contact, company or deal, and `explain`: every decision about one message.
import type { DecisionWithInbox, KeysetPosition, KeysetQuery, Scoped, TimelineEntry, TimelineHeaderEntry, TrackingSummary } from '@reply-sync/db';
import { normalizeMessageId, reasonSentence, REASON_SENTENCES, UNKNOWN_REASON_SENTENCE, type ReasonCode } from '@reply-sync/threading';
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
  /** `id` is the attachment's, for a download link (the API's timeline answer does not carry it). */
  attachments: { id: string; filename: string | null; contentType: string; size: number }[];
  attachmentsSkippedReason: string | null;
  /** Of a logged reply: what the inbox's own server said about the sender; null for emails the CRM sent (and replies logged before verification existed). */
  senderVerification: StoredVerification | null;
  /** Of a tracked send: a person's opens and clicks of it (machine events are not counted); null when it was not tracked. */
  tracking: TrackingSummary | null;
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

/** A timeline's target from its row, for a caller that has read the row already (the API's routes, by id). */
export const timelineTargetOf = {
  contact: (c: { id: string; email: string; name: string | null }): Timeline['target'] => ({ kind: 'contact', id: c.id, label: c.name ? `${c.name} <${c.email}>` : c.email }),
  company: (c: { id: string; name: string }): Timeline['target'] => ({ kind: 'company', id: c.id, label: c.name }),
  deal: (d: { id: string; name: string }): Timeline['target'] => ({ kind: 'deal', id: d.id, label: d.name }),
};

async function resolveTarget(s: Scoped, target: TimelineTarget): Promise<Timeline['target']> {
  if ('contact' in target) {
    const c = await s.contacts.findByEmail(target.contact);
    if (!c) throw new OperationError('contact_not_found', `There is no contact ${target.contact} in this account.`);
    return timelineTargetOf.contact(c);
  }
  if ('company' in target) {
    const c = await s.companies.find(target.company);
    if (!c) throw new OperationError('company_not_found', `There is no company "${target.company}" in this account.`);
    return timelineTargetOf.company(c);
  }
  const d = await s.deals.find(target.deal);
  if (!d) throw new OperationError('deal_not_found', `There is no deal "${target.deal}" in this account.`);
  return timelineTargetOf.deal(d);
}

function timelineItem(e: TimelineHeaderEntry, tracking: ReadonlyMap<string, TrackingSummary>): TimelineItem {
  return {
    id: e.id,
    threadId: e.threadId,
    direction: e.direction,
    source: e.source,
    at: e.at,
    from: { address: e.fromAddress, name: e.fromName },
    to: e.to.map((a) => a.address),
    subject: e.subject,
    messageId: e.messageId,
    attachments: e.attachments.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size })),
    attachmentsSkippedReason: e.attachmentsSkippedReason,
    senderVerification: storedVerification(e),
    tracking: tracking.get(e.id) ?? null,
  };
}

/** The tracking summaries of the outbound emails among `entries` (one query; none when there are none). */
async function trackingOf(s: Scoped, entries: readonly TimelineHeaderEntry[]): Promise<ReadonlyMap<string, TrackingSummary>> {
  return s.activity.summaries(entries.filter((e) => e.direction === 'outbound').map((e) => e.id));
}

/** The whole timeline (the CLI's `timeline`). */
export async function timelineFor(s: Scoped, target: TimelineTarget): Promise<Timeline> {
  const resolved = await resolveTarget(s, target);
  const entries = await s.timeline.forTargetId(resolved.kind, resolved.id);
  const tracking = await trackingOf(s, entries);
  return { target: resolved, entries: entries.map((e) => timelineItem(e, tracking)) };
}

export interface TimelineThreadItem {
  threadId: string;
  /** Its newest email on this timeline. */
  latestAt: Date;
  /** Its emails on this timeline, newest first. */
  emails: TimelineItem[];
  position: KeysetPosition;
}

/** One page of a timeline's threads, newest first, read in SQL (the API's timeline routes). */
export async function timelinePage(s: Scoped, target: TimelineTarget | Timeline['target'], q: KeysetQuery): Promise<{ target: Timeline['target']; threads: TimelineThreadItem[] }> {
  // A resolved target (the API read its row by id to answer 404) is not looked up a second time.
  const resolved = 'kind' in target ? target : await resolveTarget(s, target);
  const threads = await s.timeline.threadPage(resolved.kind, resolved.id, q);
  const tracking = await trackingOf(s, threads.flatMap((t) => t.entries));
  return { target: resolved, threads: threads.map((t) => ({ threadId: t.id, latestAt: t.latestAt, emails: t.entries.map((e) => timelineItem(e, tracking)), position: t.position })) };
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

/** A decision about a message received at a logging address (apps/inbound: BCC). */
export interface ExplainedInboundDecision {
  at: Date;
  /** `bcc` (or `fwd`, the forwarding path). */
  via: string;
  /** The logging mailbox's folder it was read from; null when it came by SMTP. */
  folder: string | null;
  decision: string;
  reasonCode: string;
  sentence: string;
  detail: string | null;
  from: string | null;
  subject: string | null;
  emailId: string | null;
}

/** Every decision about this Message-ID that the inbound path recorded (or `spooled`: received, not yet decided), newest first. */
export async function explainInbound(s: Scoped, messageId: string): Promise<ExplainedInboundDecision[]> {
  const rows = await s.inbound.forMessageId(messageId);
  return rows.map((r) => {
    const common = { via: r.addressKind, folder: r.folder, from: r.fromAddress, subject: r.subject };
    if (r.reasonCode === null) {
      return { ...common, at: r.receivedAt, decision: 'pending', reasonCode: 'spooled', sentence: SPOOLED_SENTENCE, detail: null, emailId: null };
    }
    return { ...common, at: r.processedAt ?? r.receivedAt, decision: r.decision ?? 'skipped', reasonCode: r.reasonCode, sentence: decisionSentence(r.reasonCode), detail: r.detail, emailId: r.emailId };
  });
}

const SPOOLED_SENTENCE = 'The message was received at the BCC address and is waiting to be processed (is `reply-sync inbound` running?).';

/** `Look`: what the CLI's `explain --look` adds after searching the inboxes' folders (IMAP, not this package's concern). */
export interface Explanation<Look = never> {
  messageId: string;
  /** Set when the Message-ID is an email on the timeline (sent/logged by the CRM, or a logged reply). */
  loggedEmail: { id: string; direction: 'inbound' | 'outbound'; source: string; subject: string; at: Date; senderVerification: StoredVerification | null } | null;
  decisions: ExplainedDecision[];
  /** Decisions about it as received at the account's BCC address (apps/inbound). */
  inbound: ExplainedInboundDecision[];
  /** Set when the inboxes' folders were searched for it (`explain` with no decision, or --look). */
  looked?: Look;
}

/** The sentence of a recorded reason code (threading's one table), also for a code a newer version wrote. */
export function decisionSentence(code: string): string {
  return Object.hasOwn(REASON_SENTENCES, code) ? reasonSentence(code as ReasonCode) : UNKNOWN_REASON_SENTENCE.replace('{code}', () => code);
}

export async function explain(s: Scoped, messageId: string): Promise<Explanation> {
  if (!normalizeMessageId(messageId)) {
    throw new OperationError('invalid_message_id', `"${messageId}" is not a Message-ID; give it as in the header, e.g. <abc123@mail.example.com>.`);
  }
  const [rows, email, inbound] = await Promise.all([s.decisions.forMessageId(messageId), s.emails.getByMessageId(messageId), explainInbound(s, messageId)]);
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
    inbound,
  };
}
