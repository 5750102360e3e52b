// Catch-up: reads every message after the checkpoint (headers only), decides each one, logs the
// replies and moves the checkpoint, batch by batch.
//
// Per batch: one header FETCH; one round of look-ups (thread refs, already-logged ids, contacts);
// decide() for each message; one FETCH of the full content of only the messages to log; one
// transaction for the replies whose content is held (one per reply for the large ones fetched at
// their turn); then the skip decisions and the checkpoint in one transaction. The
// checkpoint never passes a reply whose transaction has not committed, so a crash anywhere re-reads
// the batch, and the unique indexes (Message-ID per account, UID per inbox) make the re-read a no-op.
import type { ImapFlow } from 'imapflow';
import { isRefusedValue, pgErrorOf, type DecisionInput, type LogRepliesOutcome, type LogReplyInput, type LogReplyResult } from '@reply-sync/db';
import {
  HEADER_FIELDS_FOR_SCAN,
  decideMessages,
  formatMessageId,
  messageFactsFromHeaders,
  normalizeMessageId,
  senderVerificationOf,
  type Decision,
  type InboxContext,
  type MessageFacts,
  type NeverLogEntry,
} from '@reply-sync/threading';
import type { Logger } from './logger';
import type { WorkerMetrics } from './metrics';
import type { CrmStore } from './crm-store';
import { fetchReplyContents, type ContentResult, type ReplyContent, type ReplyContents } from './reply-content';
import { syntheticMessageId } from './synthetic-message-id';

export interface CatchUpContext {
  client: ImapFlow;
  store: CrmStore;
  inbox: InboxContext;
  mailbox: { path: string; specialUse?: string };
  uidvalidity: number;
  batchSize: number;
  neverLog: NeverLogEntry[];
  metrics: WorkerMetrics;
  logger: Logger;
  /** Checked between batches: a stopping worker finishes the batch in hand, then returns. */
  signal: AbortSignal;
}

export interface CatchUpState {
  /** Highest UID examined and checkpointed. */
  lastUid: number;
  /** UIDNEXT-1 as last known (from EXAMINE); lets the first batches use bounded UID windows. */
  knownMaxUid: number;
  /** performance.now() of the first EXISTS not yet caught up, for the in-process latency histogram. */
  existsSeenAt: number | null;
}

interface HeaderRow {
  uid: number;
  internalDate: Date;
  size: number;
  headers: Buffer | undefined;
  /** Bytes of header fields the server sent when they were over MAX_HEADER_FIELDS_BYTES (dropped). */
  headersTooLarge?: number;
}

interface Examined {
  row: HeaderRow;
  facts: MessageFacts | null;
  /** Message-ID as stored: the header's, or a synthetic one when the message has none. */
  messageIdNorm: string;
  decision: Decision | null;
  malformedDetail?: string;
}

/**
 * Reads from state.lastUid+1 to the end of the mailbox; returns how many messages it examined.
 *
 * Pipelined, so neither the IMAP connection nor the database waits for the other:
 * - the header FETCH of window N+1 is sent as soon as window N's headers are in, so it runs while N's
 *   look-ups go to the database (the contents FETCH of N queues behind it: one IMAP command at a time);
 * - while batch N's transactions commit (database), batch N+1's headers, look-ups and reply contents
 *   are read (IMAP).
 * Commits stay strictly in order, and state.lastUid follows the commits, never the reads. The look-ups
 * of N+1 may run before N committed; a Message-ID in both is then caught by the unique index
 * (logReply records `duplicate`), so exactly-once does not depend on the order.
 */
export async function catchUp(ctx: CatchUpContext, state: CatchUpState): Promise<number> {
  let examined = 0;
  let readUid = state.lastUid;
  let inFlight: Promise<void> | null = null;
  let next: WindowFetch | null = ctx.signal.aborted ? null : fetchWindow(ctx, state, readUid);
  try {
    while (next) {
      const window = next;
      next = null;
      const rows = await window.rows;
      // Checked between windows: a stopping worker finishes the batch in hand, then returns.
      if (ctx.signal.aborted) break;
      const batchEnd = window.to ?? rows.reduce((max, r) => Math.max(max, r.uid), readUid);
      if (window.to !== null) next = fetchWindow(ctx, state, batchEnd);
      // `from:*` can return more than a batch (a burst arrived); process it in slices.
      for (let i = 0; batchEnd > readUid && i < Math.max(rows.length, 1); i += ctx.batchSize) {
        const slice = rows.slice(i, i + ctx.batchSize);
        const sliceEnd = i + ctx.batchSize >= rows.length ? batchEnd : slice[slice.length - 1]!.uid;
        const prepared = await prepareBatch(ctx, slice);
        // A batch read but never committed lets go of the content it holds.
        if (inFlight) await inFlight.catch((error: unknown) => {
          prepared.contents.release();
          throw error;
        });
        inFlight = commitBatch(ctx, prepared, sliceEnd, window.existsSeenAt).then(() => {
          state.lastUid = sliceEnd;
          ctx.metrics.catchUpBatchDuration.observe((performance.now() - window.started) / 1000);
        });
        inFlight.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
        readUid = sliceEnd;
        state.knownMaxUid = Math.max(state.knownMaxUid, sliceEnd);
        examined += slice.length;
      }
    }
  } catch (error) {
    // Let the FETCH and the commit in flight finish (or fail) before the caller reconnects and re-reads.
    await next?.rows.catch(() => undefined);
    await inFlight?.catch(() => undefined);
    throw error;
  }
  if (inFlight) await inFlight;
  return examined;
}

/** A header FETCH sent ahead of its turn. */
interface WindowFetch {
  /** Last UID of a bounded window; null for the last one, `from:*`. */
  to: number | null;
  started: number;
  /** state.existsSeenAt when the FETCH that covers it was sent. */
  existsSeenAt: number | null;
  rows: Promise<HeaderRow[]>;
}

/** Sends the header FETCH after `from`: a bounded window while more than a batch is known to be left, then `from:*`. */
function fetchWindow(ctx: CatchUpContext, state: CatchUpState, from: number): WindowFetch {
  const bounded = state.knownMaxUid - from > ctx.batchSize;
  const to = bounded ? from + ctx.batchSize : null;
  const existsSeenAt = state.existsSeenAt;
  if (!bounded) state.existsSeenAt = null;
  const rows = fetchHeaders(ctx.client, to === null ? `${from + 1}:*` : `${from + 1}:${to}`, from + 1);
  rows.catch(() => undefined); // awaited in turn; this only keeps it from counting as unhandled meanwhile
  return { to, started: performance.now(), existsSeenAt, rows };
}

/** More than this of the scanned header fields (thousands of recipients) is a broken or hostile message. */
const MAX_HEADER_FIELDS_BYTES = 256 * 1024;

async function fetchHeaders(client: ImapFlow, range: string, minUid: number): Promise<HeaderRow[]> {
  const rows: HeaderRow[] = [];
  // Row by row, so a server sending huge header literals costs one of them at a time, not a batch.
  for await (const r of client.fetch(range, { uid: true, internalDate: true, size: true, headers: HEADER_FIELDS_FOR_SCAN }, { uid: true })) {
    // `n:*` with n above the highest UID still returns the last message (RFC 3501 §6.4.8): filter.
    if (r.uid < minUid) continue;
    const tooLarge = r.headers !== undefined && r.headers.length > MAX_HEADER_FIELDS_BYTES;
    rows.push({
      uid: r.uid,
      internalDate: r.internalDate instanceof Date ? r.internalDate : new Date(r.internalDate ?? Date.now()),
      size: r.size ?? 0,
      headers: tooLarge ? undefined : r.headers,
      ...(tooLarge ? { headersTooLarge: r.headers!.length } : {}),
    });
  }
  return rows.sort((a, b) => a.uid - b.uid);
}

function examine(ctx: CatchUpContext, row: HeaderRow): Examined {
  const synthetic = () => normalizeMessageId(`<${syntheticMessageId(ctx.inbox.id, ctx.uidvalidity, row.uid)}>`)!;
  if (row.headersTooLarge !== undefined) {
    const detail = `the header fields are ${row.headersTooLarge} bytes, over the ${MAX_HEADER_FIELDS_BYTES} the worker reads`;
    return { row, facts: null, messageIdNorm: synthetic(), decision: null, malformedDetail: detail };
  }
  if (!row.headers || row.headers.length === 0) {
    return { row, facts: null, messageIdNorm: synthetic(), decision: null, malformedDetail: 'the server returned no header fields' };
  }
  let facts: MessageFacts;
  try {
    facts = messageFactsFromHeaders(row.headers, {
      mailbox: ctx.mailbox.path,
      ...(ctx.mailbox.specialUse ? { mailboxSpecialUse: ctx.mailbox.specialUse } : {}),
      arrivedAt: row.internalDate,
    });
  } catch (error) {
    return { row, facts: null, messageIdNorm: synthetic(), decision: null, malformedDetail: String(error) };
  }
  const unreadable = !facts.from && !facts.messageId && !facts.date && facts.to.length === 0 && facts.subject === '';
  if (unreadable) {
    return { row, facts, messageIdNorm: synthetic(), decision: null, malformedDetail: 'none of the header fields could be read' };
  }
  return { row, facts, messageIdNorm: facts.messageId ?? synthetic(), decision: null };
}

interface PreparedBatch {
  items: Examined[];
  toLog: Examined[];
  contents: ReplyContents;
}

/** The reading half of a batch: look-ups, decisions, and the content of the replies to log. */
async function prepareBatch(ctx: CatchUpContext, rows: HeaderRow[]): Promise<PreparedBatch> {
  const items = rows.map((row) => examine(ctx, row));
  const readable = items.filter((i) => i.facts !== null && !i.malformedDetail);

  // One round of look-ups for the whole batch, then decide() for each message.
  const decisions = await decideMessages(
    readable.map((item) => ({ facts: item.facts!, messageIdNorm: item.messageIdNorm })),
    ctx.inbox,
    async (keys) => {
      const [threadRefs, loggedMessageIds, contactsByEmail] = await Promise.all([
        ctx.store.threadRefs(keys.candidates),
        ctx.store.loggedMessageIds(keys.messageIds),
        ctx.store.contactsByEmail(keys.senders),
      ]);
      return { threadRefs, loggedMessageIds, contactsByEmail, neverLog: ctx.neverLog };
    },
  );
  const toLog: Examined[] = [];
  readable.forEach((item, i) => {
    item.decision = decisions[i]!;
    if (item.decision.action === 'log') toLog.push(item);
  });

  // Full content only for the replies to log, after the header FETCH has completed (the big ones later, at their commit).
  const contents = await fetchReplyContents(ctx.client, new Map(toLog.map((i) => [i.row.uid, i.row.size])), `${ctx.inbox.id}:${ctx.uidvalidity}`);
  return { items, toLog, contents };
}

/**
 * The writing half: the replies whose content is held, in one transaction (logReplies); the others
 * (large ones fetched at their turn, or a batch the database refused a value of) one transaction per
 * reply; then the skip decisions and the checkpoint in one.
 */
async function commitBatch(ctx: CatchUpContext, batch: PreparedBatch, batchEnd: number, existsSeenAt: number | null): Promise<void> {
  const { items, toLog, contents } = batch;
  const skipRows: DecisionInput[] = [];
  const held = contents.held();
  const together = toLog.filter((item) => held.get(item.row.uid)?.ok === true && item.decision?.action === 'log');
  const inTogether = new Set(together);
  const byThemselves = toLog.filter((item) => !inTogether.has(item));
  try {
    byThemselves.push(...(await logTogether(ctx, together, held, existsSeenAt)));
  } catch (error) {
    contents.release(); // nothing is in use yet
    throw error;
  }
  // Every such reply's content is used (and let go of) by its own `use`, also when another one fails;
  // once all have settled, what the transaction wrote is let go of too.
  const written = await Promise.allSettled(byThemselves.map((item) => contents.use(item.row.uid, (content) => logByItself(ctx, item, content, existsSeenAt))));
  contents.release();
  const failed = written.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;

  for (const item of items) {
    const facts = item.facts;
    const base = {
      inboxId: ctx.inbox.id,
      uidvalidity: ctx.uidvalidity,
      uid: item.row.uid,
      messageId: facts?.messageId ? formatMessageId(facts.messageId) : null,
      messageIdNorm: facts?.messageId ?? null,
      fromAddress: facts?.from?.address.toLowerCase() ?? null,
      subject: facts?.subject ?? null,
    };
    if (item.malformedDetail !== undefined) {
      skipRows.push({ ...base, reasonCode: 'malformed', detail: item.malformedDetail });
    } else if (item.decision && item.decision.action === 'skip') {
      skipRows.push({ ...base, reasonCode: item.decision.reason, detail: item.decision.detail ?? null });
    }
  }
  // One counter update per reason, not per message: prom-client hashes the labels on every inc().
  const perReason = new Map<string, number>();
  for (const row of skipRows) perReason.set(row.reasonCode, (perReason.get(row.reasonCode) ?? 0) + 1);
  for (const [reason, count] of perReason) ctx.metrics.decisions.inc({ reason }, count);
  ctx.metrics.messagesExamined.inc(items.length);
  ctx.metrics.bytesFetched.inc({ kind: 'headers' }, items.reduce((sum, i) => sum + (i.row.headers?.length ?? 0), 0));
  await ctx.store.recordDecisions(skipRows, { uidvalidity: ctx.uidvalidity, lastUid: batchEnd });
  if (skipRows.length > 0) {
    ctx.logger.debug({ skipped: skipRows.length, lastUid: batchEnd }, 'batch decided');
  }
}

/** What logReply stores for one reply of the batch. */
function replyInputOf(ctx: CatchUpContext, item: Examined, content: ReplyContent): LogReplyInput {
  const facts = item.facts!;
  const decision = item.decision as Extract<Decision, { action: 'log' }>;
  return {
    inboxId: ctx.inbox.id,
    uidvalidity: ctx.uidvalidity,
    uid: item.row.uid,
    messageId: formatMessageId(item.messageIdNorm),
    from: facts.from!,
    to: facts.to,
    cc: facts.cc,
    subject: facts.subject,
    sentAt: facts.date,
    receivedAt: item.row.internalDate,
    textBody: content.textBody,
    htmlBody: content.htmlBody,
    inReplyTo: facts.inReplyTo[0] ?? null,
    references: facts.references,
    thread: decision.thread,
    associations: decision.associations,
    attachments: content.attachments,
    attachmentsSkippedReason: content.attachmentsSkippedReason,
    senderVerification: senderVerificationOf(facts, ctx.inbox),
  };
}

/**
 * The held replies of a batch in one transaction. Returns the ones to log by themselves: those whose
 * arrival needs logReply's full status check, or all of them when the database refused a value (so
 * only that reply becomes `malformed`).
 */
async function logTogether(ctx: CatchUpContext, items: Examined[], held: Map<number, ContentResult>, existsSeenAt: number | null): Promise<Examined[]> {
  if (items.length === 0) return [];
  const contentOf = (item: Examined) => (held.get(item.row.uid) as Extract<ContentResult, { ok: true }>).content;
  let outcome: LogRepliesOutcome;
  try {
    outcome = await ctx.store.logReplies(items.map((item) => replyInputOf(ctx, item, contentOf(item))));
  } catch (error) {
    if (!isRefusedValue(error)) throw error;
    ctx.logger.warn({ replies: items.length, err: (error as Error).message }, 'the database refused a value of the batch; logging its replies one by one');
    return items;
  }
  outcome.results.forEach((result, i) => {
    if (result) reportLogged(ctx, items[i]!, contentOf(items[i]!), result, existsSeenAt);
  });
  return outcome.deferred.map((i) => items[i]!);
}

/** One reply in its own transaction; a value the database refuses makes it `malformed`. */
async function logByItself(ctx: CatchUpContext, item: Examined, content: ContentResult, existsSeenAt: number | null): Promise<void> {
  if (!content.ok) {
    item.malformedDetail = content.detail;
    return;
  }
  if (item.decision?.action !== 'log') return;
  let result: LogReplyResult;
  try {
    result = await ctx.store.logReply(replyInputOf(ctx, item, content.content));
  } catch (error) {
    // Values the database refuses fail every retry: this message is recorded as malformed (with
    // the skip rows) rather than failing its batch, and with it the inbox, for good.
    if (!isRefusedValue(error)) throw error;
    item.malformedDetail = `the database refused to store this reply (${pgErrorOf(error)?.code ?? 'error'}); it was not logged`;
    ctx.logger.warn({ uid: item.row.uid, err: (error as Error).message }, 'reply refused by the database; recorded as malformed');
    return;
  }
  reportLogged(ctx, item, content.content, result, existsSeenAt);
}

/** Metrics and the log line of a reply whose transaction has committed. */
function reportLogged(ctx: CatchUpContext, item: Examined, content: ReplyContent, result: LogReplyResult, existsSeenAt: number | null): void {
  ctx.metrics.bytesFetched.inc({ kind: 'full' }, content.bytesRead);
  ctx.metrics.decisions.inc({ reason: result.reason });
  if (result.inserted) {
    const now = performance.now();
    ctx.metrics.repliesLogged.inc();
    ctx.metrics.replyLatency.observe(Math.max(0, Date.now() - item.row.internalDate.getTime()) / 1000);
    if (existsSeenAt !== null) ctx.metrics.existsToCommit.observe((now - existsSeenAt) / 1000);
  }
  ctx.logger.info(
    { uid: item.row.uid, reason: result.reason, emailId: result.emailId },
    result.inserted ? 'reply logged' : result.reason === 'duplicate' ? 'reply already logged' : 'reply not logged: the inbox was no longer connected when it arrived',
  );
}
