// A message sent to a forwarding address, after process-inbound.ts has read its headers and verified
// its sender: read the forwarded reply (read-forward.ts), decide with threading's decideForward, then,
// in ONE transaction, create the original sender's contact if missing, log the ORIGINAL message on it
// (threaded with the logged email it answers when its quoted From and Subject find one) and record the
// decision. The original has no Message-ID we can see: one derived from its quoted header and body
// stands in, so the same reply forwarded twice is one timeline entry.
import { createHash } from 'node:crypto';
import type { InboundOutcome, Scoped } from '@reply-sync/db';
import { parseReply } from '@reply-sync/sync-worker/parse-reply';
import {
  checkLogger,
  dateOffsetMinutes,
  decideForward,
  firstHeader,
  parseQuotedDate,
  type Address,
  type NeverLogEntry,
  type SenderCandidate,
  type SenderVerification,
} from '@reply-sync/threading';
import { AlreadyProcessed, DuplicateRollback } from './decision-errors';
import { matchingOriginalHtml } from './forwarded-html';
import { cut, parseDate, type ProcessDeps, type ProcessResult } from './process-inbound';
import { readForward, type ForwardedOriginal } from './read-forward';

export interface ForwardInput {
  s: Scoped;
  inboundMessageId: string;
  raw: Buffer;
  headers: Map<string, string[]>;
  base: { messageId: string | null; fromAddress: string | null; subject: string };
  from: Address | null;
  verification: SenderVerification;
  candidates: SenderCandidate[];
  ownAddresses: ReadonlySet<string>;
  neverLog: readonly NeverLogEntry[];
  policy: 'flag' | 'require';
  finish(outcome: InboundOutcome): Promise<ProcessResult>;
}

/** The stand-in Message-ID of a forwarded original: the same quoted header and body, the same id. */
export function forwardedMessageId(original: ForwardedOriginal, mta: string): string {
  const digest = createHash('sha256')
    .update([original.from?.address.toLowerCase() ?? '', original.dateText ?? '', original.subject, original.body].join('\u0000'))
    .digest('hex')
    .slice(0, 40);
  return `<fwd.${digest}@${mta}>`;
}

/** The note on a quoted date read in an assumed zone: "... read in the forward's zone, UTC+01:00". */
function assumedZoneNote(forwardOffset: number | null): string {
  if (forwardOffset === null) return "the quoted date names no zone, nor does the forward's Date: read in UTC";
  const abs = Math.abs(forwardOffset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `the quoted date names no zone: read in the forward's zone, UTC${forwardOffset < 0 ? '-' : '+'}${hhmm}`;
}

export async function processForward(deps: ProcessDeps, input: ForwardInput): Promise<ProcessResult> {
  const { s, base, finish } = input;
  // Who may forward, before any parsing: a stranger's message costs no body parse and no forward parser.
  const gate = checkLogger(input.from, { candidates: input.candidates, policy: input.policy, verification: input.verification });
  if (!gate.ok) return finish({ ...base, decision: 'skipped', reasonCode: gate.reason, detail: cut(gate.detail), emailId: null });
  const content = await parseReply(input.raw);
  if (!content.ok) return finish({ ...base, decision: 'skipped', reasonCode: 'malformed', detail: cut(content.detail), emailId: null });
  const { textBody, htmlBody, attachments, attachmentsSkippedReason } = content.content;

  const { reading, original } = readForward({ text: textBody, html: htmlBody, subject: base.subject });
  const originalFrom = reading.kind === 'forward' ? reading.originalFrom : null;
  const contactIds = originalFrom ? await s.inbound.contactIdsByAddress([originalFrom.address]) : new Map<string, string>();
  const decision = decideForward(
    { from: input.from, reading },
    { candidates: input.candidates, policy: input.policy, verification: input.verification, ownAddresses: input.ownAddresses, contactIds, neverLog: input.neverLog },
  );
  if (decision.reason !== 'logged' || !original) {
    return finish({ ...base, decision: 'skipped', reasonCode: decision.reason, detail: cut(decision.detail), emailId: null });
  }

  const messageId = forwardedMessageId(original, deps.mta);
  const existing = await s.emails.getByMessageId(messageId);
  if (existing) return finish({ ...base, decision: 'skipped', reasonCode: 'duplicate', detail: `already logged as email ${existing.id}`, emailId: existing.id });

  const forwardDate = firstHeader(input.headers, 'date');
  // The quoted Date as an instant, by threading's parseQuotedDate (null when it cannot be read without
  // guessing). One that names no zone (Gmail's and Outlook's do not) was written by the forwarding user's
  // client in the user's local time, the zone that client wrote the forward's own Date header in; with no
  // readable offset there either, UTC. (A client that writes its Date header in UTC, as Exchange Online
  // does, makes a zone-less quoted date read as UTC; the detail says which zone was assumed.)
  const forwardOffset = dateOffsetMinutes(forwardDate);
  const readDate = original.dateText ? parseQuotedDate(original.dateText, forwardOffset) : null;
  const sentAt = readDate?.at ?? parseDate(forwardDate);
  // Said in the detail: an original logged an hour off is what a support person would be asked about.
  const zoneNote = readDate && !readDate.zoneNamed ? assumedZoneNote(forwardOffset) : null;
  // The HTML part is a forward too (readForward found the header in one of the two parts): the original's
  // formatting is kept when the cut-out HTML starts like the text read; otherwise text only, as before.
  const originalHtml = htmlBody ? matchingOriginalHtml(htmlBody, original.body) : null;
  const result = await deps.db
    .transaction(async (tx) => {
      const { owner, contact } = decision;
      const created = contact.contactId ? null : await s.inbound.ensureContacts(tx, [contact], owner.userId);
      const contactId = contact.contactId ?? created!.get(contact.address)!;
      const assoc = await s.inbound.associationsOf(tx, [contactId]);
      const answered = await s.inbound.answeredEmail(tx, contact.address, original.subject, sentAt);
      const logged = await s.emails.logOutbound(tx, {
        source: 'forward',
        direction: 'inbound',
        messageId,
        userId: owner.userId,
        inboxId: owner.inboxId,
        threadId: answered?.threadId,
        from: original.from!,
        to: original.to,
        // Kept as the original had them, but not made contacts: only the original sender's contact gets it.
        cc: original.cc,
        subject: original.subject,
        sentAt,
        textBody: original.body,
        htmlBody: originalHtml,
        inReplyTo: answered?.messageId ?? null,
        references: answered ? [...answered.references, answered.messageId] : [],
        contactIds: [contactId],
        companyIds: assoc.companyIds,
        dealIds: assoc.dealIds,
        associateRecipients: false,
        attachments,
        attachmentsSkippedReason,
      });
      const notes = [
        attachmentsSkippedReason,
        decision.detail,
        `forward header in the ${original.part} part`,
        answered ? `threaded with email ${answered.id}` : 'no logged email found that it answers: a thread of its own',
        readDate ? null : `the quoted date "${original.dateText ?? ''}" could not be read: the forward's own Date stands in`,
        zoneNote,
        htmlBody && !originalHtml ? "the original's HTML could not be cut from the forward's HTML part: logged as text only" : null,
        created ? `contact created: ${contact.address}` : null,
      ].filter(Boolean);
      const outcome: InboundOutcome = logged.inserted
        ? {
            ...base,
            decision: 'logged',
            reasonCode: attachmentsSkippedReason ? 'logged_without_attachments' : 'logged',
            detail: cut(notes.join('; ')),
            emailId: logged.emailId,
          }
        : { ...base, decision: 'skipped', reasonCode: 'duplicate', detail: `already logged as email ${logged.emailId}`, emailId: logged.emailId };
      if (!logged.inserted && created) throw new DuplicateRollback(outcome);
      if (!(await s.inbound.markProcessed(tx, input.inboundMessageId, outcome))) throw new AlreadyProcessed();
      return outcome;
    })
    .catch(async (error: unknown) => {
      if (error instanceof AlreadyProcessed) return null;
      if (!(error instanceof DuplicateRollback)) throw error;
      const outcome = (error as DuplicateRollback<InboundOutcome>).outcome;
      await s.inbound.markProcessed(deps.db, input.inboundMessageId, outcome);
      return outcome;
    });
  if (!result) return { status: 'already_processed' };
  deps.logger.info({ inboundMessageId: input.inboundMessageId, reason: result.reasonCode, emailId: result.emailId }, 'inbound message decided');
  return { status: 'processed', reasonCode: result.reasonCode, emailId: result.emailId };
}
