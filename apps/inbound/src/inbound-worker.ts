// The processing side: a BullMQ worker that turns each queued inbound message into its decision
// (process-inbound.ts), and a sweep at start that re-queues messages left spooled (a crash between the
// spool's commit and the job, or jobs lost with a Redis that was flushed): the job id is the message's,
// so one already queued is not added twice.
import { scoped, spooledInboundMessages, type Db } from '@reply-sync/db';
import { INBOUND_QUEUE_PREFIX, parseInboundJobData, type InboundQueue, type RedisConnection } from '@reply-sync/queue';
import { Worker } from 'bullmq';
import type { Logger } from './logger';
import { processInbound, type ProcessDeps } from './process-inbound';

export interface InboundWorkerOptions extends ProcessDeps {
  connection: RedisConnection;
  queue: InboundQueue;
  queueName: string;
  concurrency: number;
}

export interface InboundWorker {
  close(): Promise<void>;
}

/** Re-queues every message still spooled a while after it was received. */
export async function requeueSpooled(db: Db, queue: InboundQueue, logger: Logger, olderThanMs = 0): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await spooledInboundMessages(db, new Date(Date.now() - olderThanMs), 1000);
    if (rows.length === 0) break;
    await queue.enqueue(rows.map((r) => ({ accountId: r.accountId, inboundMessageId: r.id })));
    total += rows.length;
    if (rows.length < 1000) break;
  }
  if (total > 0) logger.info({ requeued: total }, 'spooled inbound messages re-queued');
  return total;
}

export async function startInboundWorker(options: InboundWorkerOptions): Promise<InboundWorker> {
  const { logger } = options;
  const worker = new Worker(
    options.queueName,
    async (job) => {
      const data = parseInboundJobData(job.data);
      if (!data) {
        logger.warn({ jobId: job.id }, 'inbound job refused: its data is not {accountId, inboundMessageId}');
        return;
      }
      await processInbound(options, data.accountId, data.inboundMessageId);
    },
    { connection: options.connection, prefix: INBOUND_QUEUE_PREFIX, concurrency: options.concurrency },
  );
  worker.on('failed', (job, error) => {
    const final = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.error({ jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, final ? 'inbound job failed for good' : 'inbound job failed; it will be retried');
    const data = job ? parseInboundJobData(job.data) : null;
    if (!final || !data) return;
    // Out of retries: the message gets its decision (so explain can say why) instead of staying spooled.
    scoped(options.db, data.accountId)
      .inbound.markProcessed(options.db, data.inboundMessageId, {
        decision: 'skipped',
        reasonCode: 'malformed',
        detail: `the message could not be processed after ${job!.attemptsMade} attempts: ${error.message}`.slice(0, 500),
        messageId: null,
        fromAddress: null,
        subject: null,
        emailId: null,
      })
      .catch((e: unknown) => logger.error({ jobId: job!.id, err: e instanceof Error ? e.message : String(e) }, 'could not record the failure'));
  });
  await worker.waitUntilReady();
  await requeueSpooled(options.db, options.queue, logger);
  return { close: () => worker.close() };
}
