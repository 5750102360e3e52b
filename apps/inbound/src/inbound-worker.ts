// The processing side: a BullMQ worker whose jobs (one per spooled message) are decided in batches
// (batcher.ts: the jobs that arrive while earlier batches run go together; process-inbound.ts), and a
// sweep, at start and then every INBOUND_SWEEP_INTERVAL_MS, that re-queues messages left spooled (a
// crash between the spool's commit and the job, or jobs lost with a Redis that was flushed or failed
// over): the job id is the message's, so one already queued is not added twice.
import { scoped, spooledInboundMessages, type Db } from '@reply-sync/db';
import { closeWorkers, countRuns, DEFAULT_CLOSE_SETTLE_MS, INBOUND_QUEUE_PREFIX, parseInboundJobData, type InboundJobData, type InboundQueue, type RedisConnection } from '@reply-sync/queue';
import { Worker } from 'bullmq';
import { createBatcher } from './batcher';
import type { Logger } from './logger';
import { processInboundBatch, type ProcessDeps, type ProcessResult } from './process-inbound';

export interface InboundWorkerOptions extends ProcessDeps {
  connection: RedisConnection;
  queue: InboundQueue;
  queueName: string;
  /** Jobs held at once (the batches are made of these). */
  concurrency: number;
  /** The most messages decided in one transaction. */
  batchSize: number;
  /** How often the sweep re-queues messages spooled longer than this; 0: only at start. */
  sweepIntervalMs: number;
}

export interface InboundWorker {
  close(): Promise<void>;
}

/** Re-queues every message still spooled a while after it was received. */
export async function requeueSpooled(db: Db, queue: InboundQueue, logger: Logger, olderThanMs = 0): Promise<number> {
  let total = 0;
  const before = new Date(Date.now() - olderThanMs);
  let after: { receivedAt: Date; id: string } | null = null;
  for (;;) {
    const rows = await spooledInboundMessages(db, before, 1000, after);
    if (rows.length === 0) break;
    await queue.enqueue(rows.map((r) => ({ accountId: r.accountId, inboundMessageId: r.id })));
    total += rows.length;
    if (rows.length < 1000) break;
    after = rows[rows.length - 1]!;
  }
  if (total > 0) logger.info({ requeued: total }, 'spooled inbound messages re-queued');
  return total;
}

export async function startInboundWorker(options: InboundWorkerOptions): Promise<InboundWorker> {
  const { logger } = options;
  const decide = createBatcher<InboundJobData, ProcessResult>((jobs, previous) => processInboundBatch(options, jobs, previous), {
    maxBatch: options.batchSize,
    maxInFlight: 2,
  });
  const runs = countRuns<unknown, void>(async (job) => {
    const data = parseInboundJobData(job.data);
    if (!data) {
      logger.warn({ jobId: job.id }, 'inbound job refused: its data is not {accountId, inboundMessageId}');
      return;
    }
    await decide(data);
  });
  const worker = new Worker(options.queueName, runs.processor, { connection: options.connection, prefix: INBOUND_QUEUE_PREFIX, concurrency: options.concurrency });
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

  // Later sweeps take only messages spooled for a whole interval: a message just spooled has its job
  // on the way (and one re-added while queued is folded into it anyway).
  let sweeping: Promise<unknown> | null = null;
  const timer =
    options.sweepIntervalMs > 0
      ? setInterval(() => {
          if (sweeping) return;
          sweeping = requeueSpooled(options.db, options.queue, logger, options.sweepIntervalMs)
            .catch((error: unknown) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'inbound sweep failed; the next one retries'))
            .finally(() => (sweeping = null));
        }, options.sweepIntervalMs)
      : null;
  timer?.unref();
  return {
    async close() {
      if (timer) clearInterval(timer);
      await sweeping;
      // Bounded (close-workers.ts): a Redis that is down at SIGTERM does not hold the process.
      const { abandoned } = await closeWorkers([worker], runs);
      if (abandoned > 0) logger.warn({ settleMs: DEFAULT_CLOSE_SETTLE_MS }, 'inbound queue worker still closing after its last job ended (a Redis connection that does not reconnect); going on');
      await decide.idle();
    },
  };
}
