// The BullMQ Queue and Worker of inbox jobs, made with our prefix, job defaults and timings.
import { Queue, Worker, type Job, type WorkerOptions } from 'bullmq';
import { DEFAULT_QUEUE_NAME, INBOX_JOB_NAME, QUEUE_PREFIX, type InboxJobData } from './inbox-job';
import { closeOwnConnectionWithQueue, createRedisConnection, type RedisConnection } from './redis-connection';
import { LOCK_DURATION_MS, MAX_STALLED_COUNT, STALLED_INTERVAL_MS } from './worker-timing';

export type InboxJob = Job<InboxJobData, void, typeof INBOX_JOB_NAME>;
export type InboxQueue = Queue<InboxJobData, void, typeof INBOX_JOB_NAME>;
export type InboxWorker = Worker<InboxJobData, void, typeof INBOX_JOB_NAME>;

/** Either a URL (the queue opens and closes its own connection) or a connection you own and close. */
export type RedisSource = { redisUrl: string; connection?: never } | { connection: RedisConnection; redisUrl?: never };

export interface CreateInboxQueueOptions {
  /** Queue name; default DEFAULT_QUEUE_NAME. Tests pass a unique one. */
  name?: string;
}

/**
 * Job options every inbox job gets. A finished job is deleted at once: BullMQ ignores an add whose
 * job id still exists in ANY state (completed and failed included), so a finished job left behind
 * would stop the inbox from ever getting its job again. A job finishes only when its inbox is
 * disconnected (completed) or when the worker hit an error it could not handle (failed); the
 * scheduler's reconcile re-adds the job if the inbox is still connected.
 */
export const INBOX_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: true,
} as const;

export function createInboxQueue(options: RedisSource & CreateInboxQueueOptions): InboxQueue {
  const connection = options.connection ?? createRedisConnection(options.redisUrl, { forWorker: false });
  const queue: InboxQueue = new Queue(options.name ?? DEFAULT_QUEUE_NAME, {
    connection,
    prefix: QUEUE_PREFIX,
    defaultJobOptions: INBOX_JOB_OPTIONS,
  });
  return closeOwnConnectionWithQueue(queue, connection, !options.connection);
}

export interface CreateInboxWorkerOptions {
  name?: string;
  /** Sessions (jobs) run at once by this process. */
  concurrency: number;
  /** Extra BullMQ worker options (e.g. autorun: false); timings and prefix are not overridable. */
  workerOptions?: Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency'>;
}

/**
 * A BullMQ Worker on the inbox queue with the failover timings of worker-timing.ts. The processor
 * is one IMAP session: it ends by requeueAtSessionEnd() (inbox still connected) or by returning
 * (inbox disconnected or removed: the job completes and is deleted).
 */
export function createInboxWorker(
  source: RedisSource,
  processor: (job: InboxJob, token?: string) => Promise<void>,
  options: CreateInboxWorkerOptions,
): InboxWorker {
  const connection = source.connection ?? createRedisConnection(source.redisUrl, { forWorker: true });
  const worker: InboxWorker = new Worker(options.name ?? DEFAULT_QUEUE_NAME, processor, {
    ...options.workerOptions,
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: options.concurrency,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
  });
  if (!source.connection) {
    const close = worker.close.bind(worker);
    worker.close = async (force?: boolean) => {
      await close(force);
      await connection.quit().catch(() => connection.disconnect());
    };
  }
  return worker;
}
