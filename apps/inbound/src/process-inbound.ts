// One spooled message to its decision, whichever path spooled it (the SMTP receiver, or the fleet reading a
// logging mailbox: row.folder set, no envelope): read the headers, verify the sender (mailauth for SMTP;
// the mailbox server's trusted Authentication-Results for a logging mailbox), decide with
// threading's decideBcc, then, in ONE transaction, create the missing contacts, log the email with its
// associations and record the decision on the spooled row (which drops its bytes). A job run twice, or
// again after a crash, finds the row processed and does nothing: each message is logged exactly once.
import { scoped, trustedAuthservIdsOf, type Db, type InboundOutcome } from '@reply-sync/db';
import { parseReply } from '@reply-sync/sync-worker/parse-reply';
import {
  decideBcc,
  decodeHeaderValue,
  firstHeader,
  MAX_DETAIL_LENGTH,
  normalizeMessageId,
  parseAddressList,
  parseHeaderBlock,
  parseMessageIdList,
  type Address,
} from '@reply-sync/threading';
import type { Notifier } from './attachments-notice';
import { AlreadyProcessed, DuplicateRollback } from './decision-errors';
import type { Logger } from './logger';
import { processForward } from './process-forward';
import { checkMailboxSender, checkSender, type DnsResolver } from './verify-sender';

/** The authserv-ids the logging inbox trusts; null when the inbox was removed since. */
async function mailboxTrust(s: ReturnType<typeof scoped>, inboxId: string | null): Promise<string[] | null> {
  const inbox = inboxId ? await s.inboxes.get(inboxId) : null;
  return inbox ? trustedAuthservIdsOf(inbox) : null;
}

export interface ProcessDeps {
  db: Db;
  resolver: DnsResolver;
  /** Our MTA's name in the Authentication-Results we write (the inbound domain). */
  mta: string;
  logger: Logger;
  /** Sends the sender a notice when the attachments were left out; null or absent: none sent. */
  notifier?: Notifier | null;
}

export type ProcessResult = { status: 'processed'; reasonCode: string; emailId: string | null } | { status: 'already_processed' | 'missing' };

export const list = (headers: Map<string, string[]>, name: string): Address[] => parseAddressList((headers.get(name) ?? []).join(', '));

export function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export const cut = (s: string) => (s.length > MAX_DETAIL_LENGTH ? `${s.slice(0, MAX_DETAIL_LENGTH - 1)}…` : s);

export async function processInbound(deps: ProcessDeps, accountId: string, inboundMessageId: string): Promise<ProcessResult> {
  const s = scoped(deps.db, accountId);
  const row = await s.inbound.message(inboundMessageId);
  if (!row) return { status: 'missing' };
  if (row.status === 'processed' || !row.raw) return { status: 'already_processed' };
  const raw = row.raw;

  const headers = parseHeaderBlock(raw);
  const rawMessageId = firstHeader(headers, 'message-id')?.trim() ?? null;
  const messageId = rawMessageId && normalizeMessageId(rawMessageId) ? rawMessageId : null;
  const from = list(headers, 'from')[0] ?? null;
  const subject = decodeHeaderValue(firstHeader(headers, 'subject')).replace(/\s+/g, ' ').trim();
  const base = { messageId, fromAddress: from?.address.toLowerCase() ?? null, subject };

  const finish = async (outcome: InboundOutcome): Promise<ProcessResult> => {
    await s.inbound.markProcessed(deps.db, inboundMessageId, outcome);
    deps.logger.info({ inboundMessageId, reason: outcome.reasonCode }, 'inbound message decided');
    return { status: 'processed', reasonCode: outcome.reasonCode, emailId: outcome.emailId };
  };
  if (!messageId) {
    return finish({ ...base, decision: 'skipped', reasonCode: 'malformed', detail: 'the message has no usable Message-ID header', emailId: null });
  }

  const to = list(headers, 'to');
  const cc = list(headers, 'cc');
  // The sender check (mailauth and DNS on the SMTP path; the mailbox's own server's
  // Authentication-Results on the mailbox path) beside ONE statement for every look-up the decision needs.
  const [verification, context] = await Promise.all([
    row.folder !== null
      ? mailboxTrust(s, row.inboxId).then((trusted) => checkMailboxSender(headers, from?.address ?? null, trusted))
      : checkSender({ raw, from: from?.address ?? null, clientIp: row.clientIp, helo: row.helo, envelopeFrom: row.envelopeFrom }, deps.resolver, deps.mta),
    s.inbound.decisionContext({ from: from?.address ?? null, recipients: row.addressKind === 'fwd' ? [] : [...to, ...cc].map((a) => a.address), messageId }),
  ]);
  const { candidates, ownAddresses, neverLog, policy, contactIds } = context;
  if (row.addressKind === 'fwd') {
    return processForward(deps, { s, inboundMessageId, raw, headers, base, from, verification, candidates, ownAddresses, neverLog, policy, finish });
  }
  const decision = decideBcc(
    { from, to, cc, bcc: list(headers, 'bcc'), envelopeRecipients: row.envelopeTo },
    { candidates, ownAddresses, contactIds, neverLog, policy, verification },
  );
  if (decision.reason !== 'logged') {
    return finish({ ...base, decision: 'skipped', reasonCode: decision.reason, detail: cut(decision.detail), emailId: null });
  }

  // 6. Already on the timeline (reply sync, a CRM send, an earlier copy): one entry per Message-ID.
  const existing = context.duplicateEmailId;
  if (existing) return finish({ ...base, decision: 'skipped', reasonCode: 'duplicate', detail: `already logged as email ${existing}`, emailId: existing });

  const content = await parseReply(raw);
  if (!content.ok) return finish({ ...base, decision: 'skipped', reasonCode: 'malformed', detail: cut(content.detail), emailId: null });
  const { textBody, htmlBody, attachments, attachmentsSkippedReason } = content.content;

  const result = await deps.db.transaction(async (tx) => {
    const owner = decision.owner;
    const created = await s.inbound.ensureContacts(
      tx,
      decision.recipients.filter((r) => !r.contactId),
      owner.userId,
    );
    const ids = decision.recipients.map((r) => r.contactId ?? created.get(r.address)).filter((id): id is string => Boolean(id));
    const assoc = await s.inbound.associationsOf(tx, ids);
    const logged = await s.emails.logOutbound(tx, {
      source: 'bcc',
      direction: 'outbound',
      messageId,
      userId: owner.userId,
      inboxId: owner.inboxId,
      from: from!,
      to,
      cc,
      subject,
      sentAt: parseDate(firstHeader(headers, 'date')),
      textBody,
      htmlBody,
      inReplyTo: parseMessageIdList(firstHeader(headers, 'in-reply-to'))[0] ?? null,
      references: parseMessageIdList((headers.get('references') ?? []).join(' ')),
      contactIds: ids,
      companyIds: assoc.companyIds,
      dealIds: assoc.dealIds,
      associateRecipients: false,
      attachments,
      attachmentsSkippedReason,
      senderVerification: verification,
    });
    const newContacts = decision.recipients.filter((r) => !r.contactId).map((r) => r.address);
    const made = newContacts.length > 0 ? `; contacts created: ${newContacts.join(', ')}` : '';
    const outcome: InboundOutcome = logged.inserted
      ? {
          ...base,
          decision: 'logged',
          reasonCode: attachmentsSkippedReason ? 'logged_without_attachments' : 'logged',
          detail: cut(`${attachmentsSkippedReason ? `${attachmentsSkippedReason}; ` : ''}${decision.detail}${made}`),
          emailId: logged.emailId,
        }
      : { ...base, decision: 'skipped', reasonCode: 'duplicate', detail: `already logged as email ${logged.emailId}`, emailId: logged.emailId };
    // Contacts made for a duplicate stay out: roll the whole transaction back but still record the decision.
    if (!logged.inserted && newContacts.length > 0) throw new DuplicateRollback(outcome);
    // Another run of the same message got there first (two jobs at once): undo ours.
    if (!(await s.inbound.markProcessed(tx, inboundMessageId, outcome))) throw new AlreadyProcessed();
    return outcome;
  }).catch(async (error: unknown) => {
    if (error instanceof AlreadyProcessed) return null;
    if (!(error instanceof DuplicateRollback)) throw error;
    const outcome = (error as DuplicateRollback<InboundOutcome>).outcome;
    await s.inbound.markProcessed(deps.db, inboundMessageId, outcome);
    return outcome;
  });
  if (!result) return { status: 'already_processed' };
  deps.logger.info({ inboundMessageId, reason: result.reasonCode, emailId: result.emailId }, 'inbound message decided');
  if (result.reasonCode === 'logged_without_attachments' && attachmentsSkippedReason && deps.notifier) {
    // Only to a verified sender: under the `flag` policy a forged From is logged too, and a notice to it
    // would be backscatter to whoever's address was forged.
    if (verification.verified) await deps.notifier.attachmentsDropped({ to: from!.address, subject, messageId, reason: attachmentsSkippedReason });
    else deps.logger.info({ inboundMessageId, reason: 'attachments_notice_unverified_sender' }, 'no notice sent: the sender is not verified');
  }
  return { status: 'processed', reasonCode: result.reasonCode, emailId: result.emailId };
}
