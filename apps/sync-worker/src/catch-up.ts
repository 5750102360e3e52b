// Catch-up: reads every message after the checkpoint (headers only), decides each one, logs the
// replies and moves the checkpoint, batch by batch.
//
// Per batch: one header FETCH of HEADER_FIELDS_TO_MATCH; one round of look-ups (thread refs,
// already-logged ids, contacts); a second header FETCH, of every scanned field, for only the messages
// whose references hit a thread; decide() for each message; one FETCH of the full content of only the messages to log; one
// transaction for the replies whose content is held (one per reply for the large ones fetched at
// their turn); then the skip decisions and the checkpoint in one transaction. The
// checkpoint never passes a reply whose transaction has not committed, so a crash anywhere re-reads
// the batch, and the unique indexes (Message-ID per account, UID per inbox) make the re-read a no-op.
import type { ImapFlow } from 'imapflow';
import { isRefusedValue, pgErrorOf, type DecisionInput, type LogRepliesOutcome, type LogReplyInput, type LogReplyResult } from '@reply-sync/db';
import {
  HEADER_FIELDS_FOR_SCAN,
  HEADER_FIELDS_TO_MATCH,
  batchLookupKeys,
  decideBatch,
  findThread,
  threadCandidates,
  formatMessageId,
  messageFactsFromHeaders,
  normalizeMessageId,
  senderVerificationOf,
  type BatchLookupKeys,
  type BatchLookups,
  type BatchMessage,
  type Decision,
  type InboxContext,
  type MessageFacts,
  type NeverLogEntry,
} from '@reply-sync/threading';
import type { Logger } from './logger';
import type { WorkerMetrics } from './metrics';
import type { CrmStore } from './crm-store';
import { fetchHeaderFields } from './header-fetch';
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
  /** Whether `headers` holds all of HEADER_FIELDS_FOR_SCAN, or HEADER_FIELDS_TO_MATCH only. */
  allFields: boolean;
  /** Header bytes the server sent for this message, over both FETCHes. */
  fetchedBytes: number;
}

interface Examined {
  row: HeaderRow;
  facts: MessageFacts | null;
  /** Message-ID as stored: the header's, or a synthetic one when the message has none. */
  messageIdNorm: string;
  decision: Decision | null;
  malformedDetail?: string;
  /** Read from HEADER_FIELDS_TO_MATCH as unreadable: all the fields may still make it readable. */
  unreadableSoFar?: boolean;
}

/**
 * Header windows read (FETCH sent or done) but not yet handed to a commit. The IMAP connection runs
 * one command at a time, so the next header FETCH must already be queued when one ends, or Dovecot
 * waits on the worker: with one window ahead, sent only once the previous batch had committed, the
 * connection sat idle for about a third of each window (bench catch-up, per-window timings).
 */
const WINDOWS_AHEAD = 3;
/**
 * Batches prepared at once: the look-ups of one go to the database while another waits for its reply
 * contents, which queue on the IMAP connection behind a header FETCH.
 */
const BATCHES_PREPARING = 2;
/** Prepared batches waiting for the commit in flight; they then commit together, as one. */
const BATCHES_WAITING = 4;

/**
 * Reads from state.lastUid+1 to the end of the mailbox; returns how many messages it examined.
 *
 * Pipelined, so neither the IMAP connection nor the database waits for the other:
 * - header FETCHes are queued ahead (WINDOWS_AHEAD), each sent as the one before it ends, so the
 *   connection is never idle while the database works (a batch's contents FETCH queues behind them);
 * - batches are prepared (headers, look-ups, decisions, reply contents) BATCHES_PREPARING at a time,
 *   while earlier ones commit;
 *   when the commits fall behind, the batches that waited commit together (Commits), so a slow
 *   database costs fewer transactions, not a stalled read.
 * Commits stay strictly in order, and state.lastUid follows the commits, never the reads. The look-ups
 * of a batch may run before the batches before it committed; a Message-ID in both is then caught by the
 * unique index (logReplies records `duplicate`), so exactly-once does not depend on the order.
 */
export async function catchUp(ctx: CatchUpContext, state: CatchUpState): Promise<number> {
  let examined = 0;
  let readUid = state.lastUid;
  const ahead = new WindowsAhead(ctx, state);
  const commits = new Commits(ctx, state);
  // Batches being prepared, in UID order; handed to `commits` in that order.
  const preparing: Promise<Committable>[] = [];
  try {
    for (let window = ahead.take(); window; window = ahead.take()) {
      const rows = await window.rows;
      // Checked between windows: a stopping worker finishes the batches in hand, then returns.
      if (ctx.signal.aborted) break;
      const batchEnd = window.to ?? rows.reduce((max, r) => Math.max(max, r.uid), readUid);
      // `from:*` can return more than a batch (a burst arrived); process it in slices.
      for (let i = 0; batchEnd > readUid && i < Math.max(rows.length, 1); i += ctx.batchSize) {
        const slice = rows.slice(i, i + ctx.batchSize);
        const end = i + ctx.batchSize >= rows.length ? batchEnd : slice[slice.length - 1]!.uid;
        const { existsSeenAt, started } = window;
        const batch = prepareBatch(ctx, slice).then((prepared) => ({ ...prepared, end, existsSeenAt, started }));
        batch.catch(() => undefined); // awaited in turn; this only keeps it from counting as unhandled meanwhile
        preparing.push(batch);
        readUid = end;
        state.knownMaxUid = Math.max(state.knownMaxUid, end);
        examined += slice.length;
      }
      ahead.done(window);
      while (preparing.length >= BATCHES_PREPARING) await commits.add(await preparing.shift()!);
    }
    while (preparing.length > 0) await commits.add(await preparing.shift()!);
    await commits.idle();
  } catch (error) {
    // Let the FETCHes and the commits in flight finish (or fail) before the caller reconnects and re-reads;
    // a batch prepared but never committed lets go of the content it holds.
    await ahead.settled();
    for (const batch of preparing.splice(0)) await batch.then((b) => b.contents.release(), () => undefined);
    await commits.settled();
    throw error;
  }
  return examined;
}

/**
 * The header FETCHes sent ahead, in UID order; the last one is `from:*`. A FETCH is sent when the one
 * before it ends, while fewer than WINDOWS_AHEAD windows are read and not yet done with.
 */
class WindowsAhead {
  private readonly queued: WindowFetch[] = [];
  private inHand = 0;
  private sentTo: number;
  private ended = false;

  constructor(
    private readonly ctx: CatchUpContext,
    private readonly state: CatchUpState,
  ) {
    this.sentTo = state.lastUid;
  }

  /** The next window (null once `from:*` was taken); it counts as in hand until done(). */
  take(): WindowFetch | null {
    this.fill();
    const window = this.queued.shift() ?? null;
    if (window) this.inHand += 1;
    return window;
  }

  done(_window: WindowFetch): void {
    this.inHand -= 1;
    this.fill();
  }

  /** Waits for every FETCH still queued to end, whatever its outcome. */
  async settled(): Promise<void> {
    await Promise.all(this.queued.map((w) => w.rows.catch(() => undefined)));
  }

  /** Sends the next FETCH when the last one sent has ended (or none is out) and there is room. */
  private fill(): void {
    const last = this.queued[this.queued.length - 1];
    if (this.ended || this.ctx.signal.aborted || this.queued.length + this.inHand >= WINDOWS_AHEAD) return;
    if (last && !last.settled) return;
    const window = fetchWindow(this.ctx, this.state, this.sentTo);
    this.queued.push(window);
    if (window.to === null) this.ended = true;
    else this.sentTo = window.to;
    // Each FETCH sends the next when it ends, so the one after is queued before this one's rows are read.
    void window.rows.then(
      () => {
        window.settled = true;
        this.fill();
      },
      () => undefined, // the reader meets the error at its turn; nothing more is sent
    );
  }
}

interface Committable extends PreparedBatch {
  /** Checkpoint after this batch. */
  end: number;
  existsSeenAt: number | null;
  /** performance.now() when its header FETCH was sent, for the batch-duration histogram. */
  started: number;
}

/**
 * The commits of one catch-up, strictly in order: one in flight; the batches prepared meanwhile wait
 * (up to BATCHES_WAITING) and then commit together as one batch. After a failed commit nothing more is
 * committed: waiting batches let go of their content, and add()/idle() throw the error.
 */
class Commits {
  private readonly waiting: Committable[] = [];
  private running: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;
  private roomFor: (() => void) | null = null;

  constructor(
    private readonly ctx: CatchUpContext,
    private readonly state: CatchUpState,
  ) {}

  /** Queues a prepared batch; waits while BATCHES_WAITING are already waiting. */
  async add(batch: Committable): Promise<void> {
    while (!this.failure && this.waiting.length >= BATCHES_WAITING) await new Promise<void>((resolve) => (this.roomFor = resolve));
    if (this.failure) {
      batch.contents.release();
      throw this.failure.error;
    }
    this.waiting.push(batch);
    this.running ??= this.run();
  }

  /** Resolves once everything added has committed; throws the failure of a commit. */
  async idle(): Promise<void> {
    await this.settled();
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once nothing is committing (the batches still waiting commit first, unless one failed). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.waiting.length > 0 && !this.failure) {
        const group = this.waiting.splice(0);
        this.roomFor?.();
        this.roomFor = null;
        const last = group[group.length - 1]!;
        // The earliest EXISTS any of them covers: what a reply of the group waited for, at most.
        const existsSeenAt = group.find((b) => b.existsSeenAt !== null)?.existsSeenAt ?? null;
        await commitBatch(this.ctx, combined(group), last.end, existsSeenAt);
        this.state.lastUid = last.end;
        const now = performance.now();
        for (const batch of group) this.ctx.metrics.catchUpBatchDuration.observe((now - batch.started) / 1000);
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      if (this.failure) for (const batch of this.waiting.splice(0)) batch.contents.release();
      this.roomFor?.();
      this.roomFor = null;
      this.running = null;
    }
  }
}

/** Batches that waited for one commit, as one batch: their messages in order, each reply's content from its own batch. */
function combined(group: Committable[]): PreparedBatch {
  if (group.length === 1) return group[0]!;
  const owner = new Map<number, ReplyContents>();
  for (const batch of group) for (const item of batch.toLog) owner.set(item.row.uid, batch.contents);
  return {
    items: group.flatMap((b) => b.items),
    toLog: group.flatMap((b) => b.toLog),
    contents: {
      use: (uid, write) => owner.get(uid)!.use(uid, write),
      held: () => new Map(group.flatMap((b) => [...b.contents.held()])),
      release: () => {
        for (const batch of group) batch.contents.release();
      },
    },
  };
}

/** A header FETCH sent ahead of its turn. */
interface WindowFetch {
  /** Last UID of a bounded window; null for the last one, `from:*`. */
  to: number | null;
  started: number;
  /** state.existsSeenAt when the FETCH that covers it was sent. */
  existsSeenAt: number | null;
  rows: Promise<HeaderRow[]>;
  /** Set once `rows` has resolved. */
  settled?: boolean;
}

/** Sends the header FETCH after `from`: a bounded window while more than a batch is known to be left, then `from:*`. */
function fetchWindow(ctx: CatchUpContext, state: CatchUpState, from: number): WindowFetch {
  const bounded = state.knownMaxUid - from > ctx.batchSize;
  const to = bounded ? from + ctx.batchSize : null;
  const existsSeenAt = state.existsSeenAt;
  if (!bounded) state.existsSeenAt = null;
  const rows = fetchHeaders(ctx.client, to === null ? `${from + 1}:*` : `${from + 1}:${to}`, from + 1, HEADER_FIELDS_TO_MATCH);
  rows.catch(() => undefined); // awaited in turn; this only keeps it from counting as unhandled meanwhile
  return { to, started: performance.now(), existsSeenAt, rows };
}

/** More than this of the scanned header fields (thousands of recipients) is a broken or hostile message. */
const MAX_HEADER_FIELDS_BYTES = 256 * 1024;

async function fetchHeaders(client: ImapFlow, range: string, minUid: number, fields: string[]): Promise<HeaderRow[]> {
  // By UID: a FETCH imapflow retried (a throttled server) hands the rows before the retry over again.
  const rows = new Map<number, HeaderRow>();
  const allFields = fields === HEADER_FIELDS_FOR_SCAN;
  // Row by row, so a server sending huge header literals costs one of them at a time, not a batch.
  await fetchHeaderFields(client, range, fields, (r) => {
    // `n:*` with n above the highest UID still returns the last message (RFC 3501 §6.4.8): filter.
    if (r.uid < minUid) return;
    const tooLarge = r.headers !== undefined && r.headers.length > MAX_HEADER_FIELDS_BYTES;
    rows.set(r.uid, {
      uid: r.uid,
      internalDate: r.internalDate ?? new Date(),
      size: r.size,
      headers: tooLarge ? undefined : r.headers,
      ...(tooLarge ? { headersTooLarge: r.headers!.length } : {}),
      allFields,
      fetchedBytes: r.headers?.length ?? 0,
    });
  });
  return [...rows.values()].sort((a, b) => a.uid - b.uid);
}

function examine(ctx: CatchUpContext, row: HeaderRow): Examined {
  const synthetic = () => normalizeMessageId(`<${syntheticMessageId(ctx.inbox.id, ctx.uidvalidity, row.uid)}>`)!;
  if (row.headersTooLarge !== undefined) {
    const detail = `the header fields are ${row.headersTooLarge} bytes, over the ${MAX_HEADER_FIELDS_BYTES} the worker reads`;
    return { row, facts: null, messageIdNorm: synthetic(), decision: null, malformedDetail: detail };
  }
  if (!row.headers || row.headers.length === 0) {
    return { row, facts: null, messageIdNorm: synthetic(), decision: null, malformedDetail: 'the server returned no header fields', unreadableSoFar: !row.allFields };
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
    return { row, facts, messageIdNorm: synthetic(), decision: null, malformedDetail: 'none of the header fields could be read', unreadableSoFar: !row.allFields };
  }
  return { row, facts, messageIdNorm: facts.messageId ?? synthetic(), decision: null };
}

interface PreparedBatch {
  items: Examined[];
  toLog: Examined[];
  contents: ReplyContents;
}

/**
 * The reading half of a batch: look-ups, decisions, and the content of the replies to log.
 *
 * The window's FETCH brought HEADER_FIELDS_TO_MATCH: enough to decide, exactly as with every field,
 * each message whose references hit no logged email (threading's scan-fields test). The messages whose
 * references do hit a thread (about 1 % in the bench) and any those fields could not read are fetched
 * again with all of HEADER_FIELDS_FOR_SCAN before anything is decided. The look-up keys (Message-ID,
 * references, From) are among the first fields, so one round of look-ups serves both.
 */
async function prepareBatch(ctx: CatchUpContext, rows: HeaderRow[]): Promise<PreparedBatch> {
  let items = rows.map((row) => examine(ctx, row));
  const withFacts = items.filter((i) => i.facts !== null);
  let lookups = withFacts.length > 0 ? await lookUp(ctx, batchLookupKeys(withFacts.map(batchMessageOf))) : null;

  const again = new Set(items.filter((i) => !i.row.allFields && (i.unreadableSoFar === true || (lookups !== null && hitsThread(i, lookups)))));
  if (again.size > 0) {
    const uids = [...again].map((i) => i.row.uid);
    const full = new Map((await fetchHeaders(ctx.client, uids.join(','), 0, HEADER_FIELDS_FOR_SCAN)).map((r) => [r.uid, r]));
    items = items.map((item) => {
      if (!again.has(item)) return item;
      const row = full.get(item.row.uid);
      if (!row) return { ...item, facts: null, malformedDetail: 'the server did not return the header fields a second time (expunged meanwhile?)' };
      return examine(ctx, { ...row, fetchedBytes: row.fetchedBytes + item.row.fetchedBytes });
    });
  }

  const readable = items.filter((i) => i.facts !== null && !i.malformedDetail);
  // A message the first FETCH brought no fields of had no keys in that round (rare): look up again.
  if (readable.length > 0 && (lookups === null || [...again].some((i) => i.facts === null))) {
    lookups = await lookUp(ctx, batchLookupKeys(readable.map(batchMessageOf)));
  }
  const decisions = lookups !== null && readable.length > 0 ? decideBatch(readable.map(batchMessageOf), ctx.inbox, lookups) : [];
  const toLog: Examined[] = [];
  readable.forEach((item, i) => {
    item.decision = decisions[i]!;
    if (item.decision.action === 'log') toLog.push(item);
  });

  // Full content only for the replies to log, after the header FETCH has completed (the big ones later, at their commit).
  const contents = await fetchReplyContents(ctx.client, new Map(toLog.map((i) => [i.row.uid, i.row.size])), `${ctx.inbox.id}:${ctx.uidvalidity}`);
  return { items, toLog, contents };
}

function batchMessageOf(item: Examined): BatchMessage {
  return { facts: item.facts!, messageIdNorm: item.messageIdNorm };
}

/** Whether a readable message's In-Reply-To / References name a logged email: decide() goes past rule 5 for it. */
function hitsThread(item: Examined, lookups: BatchLookups): boolean {
  if (item.facts === null || item.malformedDetail !== undefined) return false;
  return findThread(threadCandidates(item.facts.inReplyTo, item.facts.references), lookups.threadRefs) !== null;
}

/** One round of look-ups for a batch: the threads, the Message-IDs already logged, the senders' contacts. */
async function lookUp(ctx: CatchUpContext, keys: BatchLookupKeys): Promise<BatchLookups> {
  const [threadRefs, loggedMessageIds, contactsByEmail] = await Promise.all([
    ctx.store.threadRefs(keys.candidates),
    ctx.store.loggedMessageIds(keys.messageIds),
    ctx.store.contactsByEmail(keys.senders),
  ]);
  return { threadRefs, loggedMessageIds, contactsByEmail, neverLog: ctx.neverLog };
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
  ctx.metrics.bytesFetched.inc({ kind: 'headers' }, items.reduce((sum, i) => sum + i.row.fetchedBytes, 0));
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
