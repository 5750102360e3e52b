// The BullMQ Worker of the send queue: runs sendEmail per job, keeps the send's state in the job's
// data between attempts, retries transient failures with the job's backoff and fails the rest at once.
import type { Db, EncryptionKeys } from '@reply-sync/db';
import {
  createRedisConnection,
  DEFAULT_SEND_QUEUE_NAME,
  QUEUE_PREFIX,
  type SendJobData,
  type SendJobResult,
  type SendJobState,
} from '@reply-sync/queue';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { sendEmail, type SendDeps, type SendLogger, type SendStateStore } from './send-email';
import type { AccessTokenProvider } from './oauth-credentials';
import { SendError } from './send-error';

export interface StartSendWorkerOptions {
  /** The drizzle database (borrowed: not closed by close()). */
  db: Db;
  redisUrl: string;
  /** Default DEFAULT_SEND_QUEUE_NAME ('reply-sync-sends'). */
  queueName?: string;
  keys: EncryptionKeys;
  /** Extra trusted CA (PEM) for SMTP/IMAP servers with private certificates. */
  ca?: string | undefined;
  logger: SendLogger;
  /** Should honour `forceRefresh` (see oauth-credentials.ts). */
  getAccessToken?: AccessTokenProvider | undefined;
  /** Sends at once in this process; default 10. */
  concurrency?: number;
  /** For tests: swap the SMTP/IMAP factories. */
  createTransport?: SendDeps['createTransport'];
  createImap?: SendDeps['createImap'];
}

export interface RunningSendWorker {
  readonly worker: Worker<SendJobData, SendJobResult>;
  /** Lets running sends finish, then closes the Redis connection. */
  close(): Promise<void>;
}

/** The job's data as the state store: updateData writes it to Redis before the next step runs. */
function jobStateStore(job: Job<SendJobData, SendJobResult>): SendStateStore {
  return {
    load: () => job.data.state,
    save: async (state: SendJobState) => {
      await job.updateData({ ...job.data, state });
    },
  };
}

export function startSendWorker(options: StartSendWorkerOptions): RunningSendWorker {
  const { logger } = options;
  const connection = createRedisConnection(options.redisUrl, { forWorker: true, connectionName: 'reply-sync-send-worker' });

  async function process(job: Job<SendJobData, SendJobResult>): Promise<SendJobResult> {
    const log = { jobId: job.id, accountId: job.data.accountId, inboxId: job.data.inboxId, attempt: job.attemptsMade + 1 };
    try {
      const result = await sendEmail(job.data, {
        db: options.db,
        keys: options.keys,
        ca: options.ca,
        logger,
        getAccessToken: options.getAccessToken,
        state: jobStateStore(job),
        ...(options.createTransport ? { createTransport: options.createTransport } : {}),
        ...(options.createImap ? { createImap: options.createImap } : {}),
      });
      logger.info({ ...log, emailId: result.emailId, sentCopyStatus: result.sentCopyStatus, alreadySent: result.alreadySent }, 'send finished');
      return result;
    } catch (error) {
      if (error instanceof SendError) {
        logger.warn({ ...log, code: error.code, detail: error.detail }, 'send failed');
        // The job's failedReason is `code: sentence`; only transient failures are tried again.
        if (!error.retryable) throw new UnrecoverableError(error.toJobReason());
        throw new Error(error.toJobReason());
      }
      // Database down, a bug: retried with backoff, with a reason the CLI can show (the SMTP mark
      // keeps a retry from sending twice, see README.md).
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ ...log, err: message }, 'send failed unexpectedly');
      throw new Error(new SendError('unexpected_error', `The send failed unexpectedly (${message}); it will be tried again.`).toJobReason());
    }
  }

  const worker = new Worker<SendJobData, SendJobResult>(options.queueName ?? DEFAULT_SEND_QUEUE_NAME, process, {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: options.concurrency ?? 10,
  });
  worker.on('error', (error) => logger.error({ err: error.message }, 'send queue worker error'));

  let closing: Promise<void> | null = null;
  return {
    worker,
    close() {
      closing ??= (async () => {
        await worker.close();
        await connection.quit().catch(() => connection.disconnect());
      })();
      return closing;
    },
  };
}
