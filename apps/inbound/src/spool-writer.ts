// The receiver's group commit: the messages whose DATA ended while the previous write ran are spooled
// in ONE statement (spoolInboundBatch) and their jobs added in ONE addBulk, and only then does each get
// its "250". Done one message at a time it was an INSERT and a queue round trip per message. A message
// over SPOOL_BATCH_MAX_BYTES goes alone, its bytes in a statement of their own.
import { scoped, spoolInboundBatch, SPOOL_BATCH_MAX_BYTES, type Db, type SpoolBatchRow } from '@reply-sync/db';
import type { InboundJobData, InboundQueue } from '@reply-sync/queue';
import { createBatcher } from './batcher';

/** Spools one received message (one row per account among its recipients) and queues its jobs; the new ids. */
export type SpoolWriter = (rows: SpoolBatchRow[]) => Promise<string[]>;

export function createSpoolWriter(db: Db, queue: InboundQueue, maxBatch = 64): SpoolWriter {
  const write = createBatcher<SpoolBatchRow[], string[]>(
    async (messages) => {
      const flat = messages.flat();
      const ids = await spoolInboundBatch(db, flat);
      const jobs: InboundJobData[] = flat.map((r, n) => ({ accountId: r.accountId, inboundMessageId: ids[n]! }));
      await queue.enqueue(jobs);
      let next = 0;
      return messages.map((m) => ({ status: 'fulfilled' as const, value: ids.slice(next, (next += m.length)) }));
    },
    // One write at a time: the next one takes everything that arrived meanwhile.
    { maxBatch, maxInFlight: 1 },
  );
  return async (rows) => {
    if (!rows.some((r) => r.input.raw.length > SPOOL_BATCH_MAX_BYTES)) return write(rows);
    const ids: string[] = [];
    for (const r of rows) ids.push(await scoped(db, r.accountId).inbound.spool(r.input));
    await queue.enqueue(rows.map((r, n) => ({ accountId: r.accountId, inboundMessageId: ids[n]! })));
    return ids;
  };
}
