// The end of a bounded IMAP session: the job puts itself back on the queue under the same id.
import { DelayedError, type Job } from 'bullmq';
import { DEFAULT_REQUEUE_DELAY_MS } from './worker-timing';

/**
 * Moves the running job back to `delayed` (same job id, same payload), then throws BullMQ's
 * DelayedError, which tells the worker to leave the job there instead of completing it. Let that
 * error propagate out of the processor (a catch-all in the processor must rethrow it):
 *
 *   await requeueAtSessionEnd(job, token); // never returns
 *
 * The move is one Lua script that releases the lock and adds the job to the delayed set, so there is
 * no moment in which the inbox has no job (a completed job re-added by the worker would leave one,
 * and a crash inside it would lose the inbox until the scheduler's next reconcile).
 * With a delay of 0 the job is back in `wait` at once and the next free worker (any process) takes
 * it: that is how load rebalances across workers.
 *
 * Call it only while the inbox is still connected; a disconnected inbox's job should just return.
 */
export async function requeueAtSessionEnd(
  job: Job,
  token: string | undefined,
  delayMs: number = DEFAULT_REQUEUE_DELAY_MS,
): Promise<never> {
  if (!token) {
    throw new Error(`Job ${job.id ?? '?'} has no lock token; requeueAtSessionEnd needs the processor's token argument.`);
  }
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
