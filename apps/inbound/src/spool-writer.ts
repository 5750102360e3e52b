// The receiver's group commit: the messages whose DATA ended while the previous write ran are spooled
// in ONE statement (spoolInboundBatch), and each gets its "250" once that statement has committed: the
// spool row is the promise kept. Their jobs follow in ONE addBulk per group, off the SMTP path (a
// message whose job is lost, by a crash right after the commit or a Redis away, is re-queued by the
// processor's sweep: at its start, and for rows spooled longer than INBOUND_SWEEP_INTERVAL_MS). Done one
// message at a time it was an INSERT and a queue round trip before every 250. A message over
// SPOOL_BATCH_MAX_BYTES goes alone, its bytes in a statement of their own.
import { scoped, spoolInboundBatch, SPOOL_BATCH_MAX_BYTES, type Db, type InboundMessageRow, type SpoolBatchRow } from '@reply-sync/db';
import type { InboundJobData, InboundQueue } from '@reply-sync/queue';
import { createBatcher } from './batcher';
import type { Logger } from './logger';
import type { SpoolHandoff } from './spool-handoff';

export interface SpoolWriter {
  /** Spools one received message (one row per account among its recipients); the new ids, once committed. */
  spool(rows: SpoolBatchRow[]): Promise<string[]>;
  /** Resolves once every job of a committed message has been added (or its add has failed). */
  idle(): Promise<void>;
}

export function createSpoolWriter(db: Db, queue: InboundQueue, logger: Logger, handoff: SpoolHandoff | null, maxBatch = 64): SpoolWriter {
  const enqueue = createBatcher<InboundJobData, void>(
    async (jobs) => {
      try {
        await queue.enqueue(jobs);
      } catch (error) {
        logger.warn({ jobs: jobs.length, err: error instanceof Error ? error.message : String(error) }, 'inbound jobs not queued; the sweep re-queues their messages');
      }
      return jobs.map(() => ({ status: 'fulfilled' as const, value: undefined }));
    },
    { maxBatch: 1000, maxInFlight: 1 },
  );
  const queueJobs = (rows: SpoolBatchRow[], ids: string[]) => rows.forEach((r, n) => void enqueue({ accountId: r.accountId, inboundMessageId: ids[n]! }));
  const write = createBatcher<SpoolBatchRow[], string[]>(
    async (messages) => {
      const flat = messages.flat();
      const ids = await spoolInboundBatch(db, flat);
      if (handoff) flat.forEach((r, n) => handoff.put(spooledRow(ids[n]!, r)));
      queueJobs(flat, ids);
      let next = 0;
      return messages.map((m) => ({ status: 'fulfilled' as const, value: ids.slice(next, (next += m.length)) }));
    },
    // One write at a time: the next one takes everything that arrived meanwhile.
    { maxBatch, maxInFlight: 1 },
  );
  return {
    async spool(rows) {
      if (!rows.some((r) => r.input.raw.length > SPOOL_BATCH_MAX_BYTES)) return write(rows);
      const ids: string[] = [];
      for (const r of rows) ids.push(await scoped(db, r.accountId).inbound.spool(r.input));
      queueJobs(rows, ids);
      return ids;
    },
    async idle() {
      await write.idle();
      await enqueue.idle();
    },
  };
}

/** The row as PostgreSQL now holds it (what the processor would read back). */
function spooledRow(id: string, { accountId, input, receivedAt }: SpoolBatchRow): InboundMessageRow {
  return {
    id,
    accountId,
    addressKind: input.addressKind,
    envelopeFrom: input.envelopeFrom,
    envelopeTo: input.envelopeTo,
    clientIp: input.clientIp,
    helo: input.helo,
    raw: input.raw,
    size: input.size ?? input.raw.length,
    receivedAt,
    status: 'spooled',
    messageId: input.messageId,
    messageIdNorm: null,
    fromAddress: input.fromAddress,
    subject: input.subject,
    decision: null,
    reasonCode: null,
    detail: null,
    emailId: null,
    processedAt: null,
    inboxId: null,
    folder: null,
    uidvalidity: null,
    uid: null,
  };
}
