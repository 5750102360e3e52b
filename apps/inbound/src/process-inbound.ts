// Spooled messages to their decisions, a batch at a time, whichever path spooled them (the SMTP
// receiver, or the fleet reading a logging mailbox: row.folder set, no envelope): read the rows in one
// statement, read each one's headers, verify its sender (mailauth for SMTP; the mailbox server's trusted
// Authentication-Results for a logging mailbox) beside ONE look-up statement per account for every
// decision of the batch, decide with threading's decideBcc, parse the bodies to log, then, in ONE
// transaction per account (log-bcc-batch.ts in packages/db), create the missing contacts, log the emails
// with their associations and record every decision on its spooled row (which drops its bytes). A batch
// that cannot commit is retried one message at a time, so one bad message fails only its own job. A job
// run twice, or again after a crash, finds its row processed and does nothing: each message is logged
// exactly once. Forwards (process-forward.ts) are decided one by one inside the batch.
import { BatchRowTaken, inboundMessagesByIds, scoped, trustedAuthservIdsOf, type BccBatchItem, type Db, type InboundOutcome } from '@reply-sync/db';
import type { InboundJobData } from '@reply-sync/queue';
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
  type SenderVerification,
} from '@reply-sync/threading';
import type { Notifier } from './attachments-notice';
import type { Logger } from './logger';
import { processForward } from './process-forward';
import type { SpoolHandoff } from './spool-handoff';
import { checkMailboxSender, checkSender, type DnsResolver } from './verify-sender';

export interface ProcessDeps {
  db: Db;
  resolver: DnsResolver;
  /** Our MTA's name in the Authentication-Results we write (the inbound domain). */
  mta: string;
  logger: Logger;
  /** Sends the sender a notice when the attachments were left out; null or absent: none sent. */
  notifier?: Notifier | null;
  /** Rows this process just spooled, decided without reading them back. */
  handoff?: SpoolHandoff | null;
}

export type ProcessResult = { status: 'processed'; reasonCode: string; emailId: string | null } | { status: 'already_processed' | 'missing' };

export const list = (headers: Map<string, string[]>, name: string): Address[] => parseAddressList((headers.get(name) ?? []).join(', '));

export function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export const cut = (s: string) => (s.length > MAX_DETAIL_LENGTH ? `${s.slice(0, MAX_DETAIL_LENGTH - 1)}…` : s);

type Row = Awaited<ReturnType<typeof inboundMessagesByIds>>[number];

/** A spooled row with its headers read. */
interface Read {
  slot: number;
  row: Row & { raw: Buffer };
  headers: Map<string, string[]>;
  messageId: string | null;
  from: Address | null;
  to: Address[];
  cc: Address[];
  base: { messageId: string | null; fromAddress: string | null; subject: string };
}

function readHeaders(slot: number, row: Row & { raw: Buffer }): Read {
  const headers = parseHeaderBlock(row.raw);
  const rawMessageId = firstHeader(headers, 'message-id')?.trim() ?? null;
  const messageId = rawMessageId && normalizeMessageId(rawMessageId) ? rawMessageId : null;
  const from = list(headers, 'from')[0] ?? null;
  const subject = decodeHeaderValue(firstHeader(headers, 'subject')).replace(/\s+/g, ' ').trim();
  return { slot, row, headers, messageId, from, to: list(headers, 'to'), cc: list(headers, 'cc'), base: { messageId, fromAddress: from?.address.toLowerCase() ?? null, subject } };
}

const done = (value: ProcessResult): PromiseSettledResult<ProcessResult> => ({ status: 'fulfilled', value });
const failed = (reason: unknown): PromiseSettledResult<ProcessResult> => ({ status: 'rejected', reason });

/** One message (a batch of one): what a single job, or a test, calls. */
export async function processInbound(deps: ProcessDeps, accountId: string, inboundMessageId: string): Promise<ProcessResult> {
  const [result] = await processInboundBatch(deps, [{ accountId, inboundMessageId }]);
  if (result!.status === 'rejected') throw result!.reason;
  return result!.value;
}

/**
 * Decides the jobs' messages; each job's own result (a failure fails only that job), in order. The
 * commit waits for `previous` (the batch before this one), so of two copies of one Message-ID the one
 * queued first is logged and the later one is its duplicate, in one batch or across two.
 */
export async function processInboundBatch(deps: ProcessDeps, jobs: readonly InboundJobData[], previous: Promise<void> = Promise.resolve()): Promise<PromiseSettledResult<ProcessResult>[]> {
  const results: (PromiseSettledResult<ProcessResult> | null)[] = jobs.map(() => null);
  const rows = new Map<string, Row>();
  for (const j of jobs) {
    const row = deps.handoff?.take(j.inboundMessageId);
    if (row) rows.set(row.id, row);
  }
  const unread = jobs.map((j) => j.inboundMessageId).filter((id) => !rows.has(id));
  for (const row of await inboundMessagesByIds(deps.db, unread)) rows.set(row.id, row);
  const byAccount = new Map<string, Read[]>();
  const seen = new Set<string>();
  jobs.forEach((job, slot) => {
    const row = rows.get(job.inboundMessageId);
    if (!row || row.accountId !== job.accountId) results[slot] = done({ status: 'missing' });
    else if (row.status === 'processed' || !row.raw || seen.has(row.id)) results[slot] = done({ status: 'already_processed' });
    else {
      seen.add(row.id);
      byAccount.set(job.accountId, [...(byAccount.get(job.accountId) ?? []), readHeaders(slot, row as Row & { raw: Buffer })]);
    }
  });
  await Promise.all(
    [...byAccount].map(([accountId, reads]) =>
      decideAccount(deps, accountId, reads, previous).then(
        (settled) => settled.forEach((r, n) => (results[reads[n]!.slot] = r)),
        (error: unknown) => reads.forEach((r) => (results[r.slot] = failed(error))),
      ),
    ),
  );
  return results as PromiseSettledResult<ProcessResult>[];
}

/** The batch's messages of one account, in order of `reads`. */
async function decideAccount(deps: ProcessDeps, accountId: string, reads: Read[], previous: Promise<void>): Promise<PromiseSettledResult<ProcessResult>[]> {
  const s = scoped(deps.db, accountId);
  const trust = new Map<string, Promise<string[] | null>>();
  /** The authserv-ids a logging inbox trusts; null when the inbox was removed since. */
  const mailboxTrust = (inboxId: string | null) => {
    if (!inboxId) return Promise.resolve(null);
    if (!trust.has(inboxId)) trust.set(inboxId, s.inboxes.get(inboxId).then((inbox) => (inbox ? trustedAuthservIdsOf(inbox) : null)));
    return trust.get(inboxId)!;
  };
  const verify = (r: Read): Promise<SenderVerification> =>
    r.row.folder !== null
      ? mailboxTrust(r.row.inboxId).then((trusted) => checkMailboxSender(r.headers, r.from?.address ?? null, trusted))
      : checkSender({ raw: r.row.raw, from: r.from?.address ?? null, clientIp: r.row.clientIp, helo: r.row.helo, envelopeFrom: r.row.envelopeFrom }, deps.resolver, deps.mta);

  const results: (PromiseSettledResult<ProcessResult> | null)[] = reads.map(() => null);
  const items: { n: number; item: BccBatchItem; notice: { to: string; reason: string } | null }[] = [];
  const decided = (n: number, r: Read, outcome: Omit<InboundOutcome, 'messageId' | 'fromAddress' | 'subject'>) => items.push({ n, item: { inboundMessageId: r.row.id, base: r.base, decided: { ...r.base, ...outcome } }, notice: null });
  const withId = reads.map((r, n) => ({ r, n })).filter(({ r, n }) => {
    if (r.messageId) return true;
    decided(n, r, { decision: 'skipped', reasonCode: 'malformed', detail: 'the message has no usable Message-ID header', emailId: null });
    return false;
  });

  // The sender checks (mailauth and DNS, or the mailbox's own server's verdict) beside ONE statement for
  // every look-up the batch's decisions need.
  const [verifications, contexts] = await Promise.all([
    Promise.all(withId.map(({ r }) => verify(r))),
    s.inbound.decisionContexts(withId.map(({ r }) => ({ from: r.from?.address ?? null, recipients: r.row.addressKind === 'fwd' ? [] : [...r.to, ...r.cc].map((a) => a.address), messageId: r.messageId }))),
  ]);

  const forwards: Promise<void>[] = [];
  await Promise.all(
    withId.map(async ({ r, n }, k) => {
      const verification = verifications[k]!;
      const context = contexts[k]!;
      const { candidates, ownAddresses, neverLog, policy, contactIds } = context;
      if (r.row.addressKind === 'fwd') {
        const finish = async (outcome: InboundOutcome): Promise<ProcessResult> => {
          await s.inbound.markProcessed(deps.db, r.row.id, outcome);
          deps.logger.info({ inboundMessageId: r.row.id, reason: outcome.reasonCode }, 'inbound message decided');
          return { status: 'processed', reasonCode: outcome.reasonCode, emailId: outcome.emailId };
        };
        forwards.push(
          processForward(deps, { s, inboundMessageId: r.row.id, raw: r.row.raw, headers: r.headers, base: r.base, from: r.from, verification, candidates, ownAddresses, neverLog, policy, finish }).then(
            (value) => void (results[n] = done(value)),
            (error: unknown) => void (results[n] = failed(error)),
          ),
        );
        return;
      }
      const decision = decideBcc(
        { from: r.from, to: r.to, cc: r.cc, bcc: list(r.headers, 'bcc'), envelopeRecipients: r.row.envelopeTo },
        { candidates, ownAddresses, contactIds, neverLog, policy, verification },
      );
      if (decision.reason !== 'logged') return decided(n, r, { decision: 'skipped', reasonCode: decision.reason, detail: cut(decision.detail), emailId: null });
      // 6. Already on the timeline (reply sync, a CRM send, an earlier copy): one entry per Message-ID.
      const existing = context.duplicateEmailId;
      if (existing) return decided(n, r, { decision: 'skipped', reasonCode: 'duplicate', detail: `already logged as email ${existing}`, emailId: existing });

      const content = await parseReply(r.row.raw);
      if (!content.ok) return decided(n, r, { decision: 'skipped', reasonCode: 'malformed', detail: cut(content.detail), emailId: null });
      const { textBody, htmlBody, attachments, attachmentsSkippedReason } = content.content;
      items.push({
        n,
        // Only to a verified sender: under the `flag` policy a forged From is logged too, and a notice to it
        // would be backscatter to whoever's address was forged.
        notice: attachmentsSkippedReason && verification.verified ? { to: r.from!.address, reason: attachmentsSkippedReason } : null,
        item: {
          inboundMessageId: r.row.id,
          base: r.base,
          log: {
            messageId: r.messageId!,
            owner: { userId: decision.owner.userId, inboxId: decision.owner.inboxId },
            recipients: decision.recipients,
            from: r.from!,
            to: r.to,
            cc: r.cc,
            subject: r.base.subject,
            sentAt: parseDate(firstHeader(r.headers, 'date')),
            textBody,
            htmlBody,
            inReplyTo: parseMessageIdList(firstHeader(r.headers, 'in-reply-to'))[0] ?? null,
            references: parseMessageIdList((r.headers.get('references') ?? []).join(' ')),
            attachments,
            attachmentsSkippedReason,
            senderVerification: verification,
            detail: decision.detail,
          },
        },
      });
    }),
  );

  // ONE transaction for every decision of the batch; when it cannot commit, each message alone.
  const commit = async (batch: typeof items): Promise<void> => {
    const outcomes = await s.inbound.logBccBatch(batch.map((b) => b.item));
    for (const [k, outcome] of outcomes.entries()) {
      const { n, notice, item } = batch[k]!;
      results[n] = done({ status: 'processed', reasonCode: outcome.reasonCode, emailId: outcome.emailId });
      deps.logger.info({ inboundMessageId: item.inboundMessageId, reason: outcome.reasonCode, ...(outcome.emailId ? { emailId: outcome.emailId } : {}) }, 'inbound message decided');
      if (outcome.reasonCode !== 'logged_without_attachments' || !deps.notifier) continue;
      if (notice) await deps.notifier.attachmentsDropped({ to: notice.to, subject: item.base.subject, messageId: item.base.messageId!, reason: notice.reason });
      else deps.logger.info({ inboundMessageId: item.inboundMessageId, reason: 'attachments_notice_unverified_sender' }, 'no notice sent: the sender is not verified');
    }
  };
  // In the batch's order (the bodies above were parsed concurrently and pushed as they finished), after
  // the previous batch: the first copy of a Message-ID is the one logged.
  items.sort((a, b) => a.n - b.n);
  await previous;
  if (items.length > 0) {
    try {
      await commit(items);
    } catch (error) {
      if (items.length === 1) settleAlone(items[0]!.n, error, results);
      else {
        for (const one of items) {
          await commit([one]).catch((e: unknown) => settleAlone(one.n, e, results));
        }
      }
    }
  }
  await Promise.all(forwards);
  return results as PromiseSettledResult<ProcessResult>[];
}

/** A message whose transaction failed alone: decided by another run meanwhile, or a failure of its job. */
function settleAlone(n: number, error: unknown, results: (PromiseSettledResult<ProcessResult> | null)[]): void {
  results[n] = error instanceof BatchRowTaken ? done({ status: 'already_processed' }) : failed(error);
}
