// The BullMQ Workers that consume the send queue: one per shard, plus one emptying the queue of before the
// sharding. The sync worker's send worker runs its processor on them (apps/sync-worker/src/send).
import { Worker, type Processor } from 'bullmq';
import { closeWorkers, countRuns, type ClosedWorkers } from './close-workers';
import type { RedisConnection } from './redis-connection';
import { DEFAULT_SEND_QUEUE_NAME, type SendJobData, type SendJobResult } from './send-queue';
import { SEND_SHARD_COUNT, SEND_SHARD_PREFIXES, UNSHARDED_SEND_PREFIX } from './send-shards';

export type SendWorker = Worker<SendJobData, SendJobResult>;

export interface SendWorkers {
  /** One per shard (by shard number), then the one emptying the queue of before the sharding. */
  readonly workers: readonly SendWorker[];
  /** Lets the running jobs finish, then gives each worker `settleMs` to close (see close-workers.ts). */
  close(settleMs?: number): Promise<ClosedWorkers>;
}

export interface CreateSendWorkersOptions {
  name?: string;
  /**
   * Jobs at once in this process, split over the shards and rounded up so that each shard gets at least
   * one: ceil(concurrency / SEND_SHARD_COUNT) per worker.
   */
  concurrency: number;
  onError?: (error: Error, prefix: string) => void;
}

/**
 * One Worker per shard (by shard number), then the one for the pre-sharding queue: a send queued before an
 * upgrade is not stranded there (drop it once no deployment can hold such jobs). They share `connection`
 * (a worker-style one: maxRetriesPerRequest null) for their commands; BullMQ opens each one's blocking
 * connection from it. The caller closes the workers, then the connection.
 */
export function createSendWorkers(
  connection: RedisConnection,
  processor: Processor<SendJobData, SendJobResult>,
  options: CreateSendWorkersOptions,
): SendWorkers {
  const concurrency = Math.ceil(options.concurrency / SEND_SHARD_COUNT);
  const runs = countRuns(processor);
  const workers = [...SEND_SHARD_PREFIXES, UNSHARDED_SEND_PREFIX].map((prefix) => {
    const worker: SendWorker = new Worker(options.name ?? DEFAULT_SEND_QUEUE_NAME, runs.processor, { connection, prefix, concurrency });
    if (options.onError) worker.on('error', (error) => options.onError!(error, prefix));
    return worker;
  });
  let closing: Promise<ClosedWorkers> | null = null;
  return {
    workers,
    close: (settleMs) => (closing ??= closeWorkers(workers, runs, settleMs)),
  };
}
