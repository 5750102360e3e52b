// The BullMQ Workers of the send queue, one per shard: each runs sendEmail for the outgoing email a job
// names (the job holds ids only; the send's state between attempts is in PostgreSQL), retries transient
// failures with the job's backoff, fails the rest at once, and records a final failure on the outgoing email.
import { scoped, type Db, type EncryptionKeys } from '@reply-sync/db';
import {
  closeRedisConnection,
  createLoginBudget,
  createRedisConnection,
  createSendWorkers,
  DEFAULT_CLOSE_SETTLE_MS,
  DEFAULT_LOGIN_BUDGET,
  parseSendJobData,
  type LoginBudgetConfig,
  type SendJobData,
  type SendJobResult,
  type SendWorker,
} from '@reply-sync/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { sendEmail, type SendDeps, type SendLogger } from './send-email';
import type { AccessTokenProvider } from './oauth-credentials';
import { SendError } from './send-error';
import { withDeadline } from './with-deadline';

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
  /** Sends at once in this process; default 10 (split over the shards: see createSendWorkers). */
  concurrency?: number;
  /** The fleet's login budget (LOGIN_RATE_PER_HOST, EXTRA_CONNECTIONS_PER_ACCOUNT) for the Sent copy; default DEFAULT_LOGIN_BUDGET. */
  loginBudget?: LoginBudgetConfig;
  /** Tracked sends' signing keys and tracker URL (TRACKING_KEYS, TRACKER_URL); null or absent: sent untracked. */
  tracking?: SendDeps['tracking'];
  /** For tests: swap the SMTP/IMAP factories. */
  createTransport?: SendDeps['createTransport'];
  createImap?: SendDeps['createImap'];
}

export interface RunningSendWorker {
  /** One per shard (by shard number), then the one emptying the queue of before the sharding. */
  readonly workers: readonly SendWorker[];
  /** Lets running sends finish, then closes the Redis connection. */
  close(): Promise<void>;
}

const RECORD_FAILURE_MS = 10_000;

const INVALID_JOB =
  'The send job does not hold exactly { accountId, outgoingEmailId }: a send job names an outgoing email saved in the database by its ids, and carries no recipients, body or attachments (nor a file to read). Nothing was read or sent; queue the send again with `reply-sync email send`.';

/** Any failure as a SendError (a bug or an outage becomes `unexpected_error`, which is retried). */
function asSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SendError('unexpected_error', `The send failed unexpectedly (${message}); it will be tried again.`, { cause: error });
}

export function startSendWorker(options: StartSendWorkerOptions): RunningSendWorker {
  const { logger } = options;
  const connection = createRedisConnection(options.redisUrl, { forWorker: true, connectionName: 'reply-sync-send-worker' });
  // On the queue's own connection: BullMQ blocks on a duplicate of it, so this one carries short commands.
  const budget = createLoginBudget(connection, options.loginBudget ?? DEFAULT_LOGIN_BUDGET);

  async function process(job: Job<SendJobData, SendJobResult>): Promise<SendJobResult> {
    const data = parseSendJobData(job.data);
    const log = { jobId: job.id, accountId: data?.accountId, outgoingEmailId: data?.outgoingEmailId, attempt: job.attemptsMade + 1 };
    try {
      if (!data) throw new SendError('invalid_job', INVALID_JOB);
      const result = await sendEmail(data, {
        db: options.db,
        keys: options.keys,
        ca: options.ca,
        logger,
        getAccessToken: options.getAccessToken,
        budget,
        tracking: options.tracking ?? null,
        ...(options.createTransport ? { createTransport: options.createTransport } : {}),
        ...(options.createImap ? { createImap: options.createImap } : {}),
      });
      logger.info({ ...log, emailId: result.emailId, sentCopyStatus: result.sentCopyStatus, alreadySent: result.alreadySent }, 'send finished');
      return result;
    } catch (error) {
      const failure = asSendError(error);
      if (failure.code === 'unexpected_error') logger.error({ ...log, err: failure.message }, 'send failed unexpectedly');
      else logger.warn({ ...log, code: failure.code, detail: failure.detail }, 'send failed');
      // The job's failedReason is `code: sentence`; only transient failures are tried again. Once the
      // job will not run again, the outgoing email says so too (scoped: another account's row is untouched).
      const final = !failure.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final && data) {
        // Bounded: after a database stall (send_timed_out) this must not keep the job active either.
        const recording = scoped(options.db, data.accountId).outgoingEmails.markFailed(data.outgoingEmailId, failure.toJobReason());
        await withDeadline(recording, RECORD_FAILURE_MS, () => new Error(`no answer from the database within ${RECORD_FAILURE_MS / 1000} s`)).catch((e: unknown) =>
          logger.error({ ...log, err: e instanceof Error ? e.message : String(e) }, 'could not record the failed send'),
        );
      }
      if (!failure.retryable) throw new UnrecoverableError(failure.toJobReason());
      throw new Error(failure.toJobReason());
    }
  }

  const sendWorkers = createSendWorkers(connection, process, {
    ...(options.queueName ? { name: options.queueName } : {}),
    concurrency: options.concurrency ?? 10,
    onError: (error, prefix) => logger.error({ err: error.message, prefix }, 'send queue worker error'),
  });

  let closing: Promise<void> | null = null;
  return {
    workers: sendWorkers.workers,
    close() {
      closing ??= (async () => {
        const { abandoned } = await sendWorkers.close();
        if (abandoned > 0) {
          logger.warn(
            { abandoned, settleMs: DEFAULT_CLOSE_SETTLE_MS },
            'send queue workers still closing after their last send ended (a Redis connection that does not reconnect); closing the connection anyway',
          );
        }
        await closeRedisConnection(connection);
      })();
      return closing;
    },
  };
}
