// Bulk operations the scheduler uses to make the queue hold exactly one job per connected inbox.
import type { JobType } from 'bullmq';
import { INBOX_JOB_NAME, inboxIdFromJobId, inboxJobId, type InboxJobData } from './inbox-job';
import type { InboxQueue } from './inbox-queue';

/** States in which a job still holds its inbox: the job will (again) run a session. */
const LIVE_STATES: JobType[] = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'];
/** States of a finished job. Normally empty (jobs are removed on finish), but a finished job blocks an add. */
const FINISHED_STATES: JobType[] = ['completed', 'failed'];

/** Jobs per addBulk call (one MULTI); big enough to amortise round trips, small enough not to stall Redis. */
const ADD_BATCH = 1_000;
/** addBulk calls in flight at once. */
const ADD_LANES = 4;
/** Removes in flight at once; ioredis pipelines them on the one connection. */
const REMOVE_BATCH = 1_000;

/**
 * Ids of the inboxes that have a live job (active, waiting, delayed, ...), read from the state
 * lists and sets in one script, without loading the jobs themselves.
 */
export async function listInboxJobIds(queue: InboxQueue): Promise<string[]> {
  const jobIds = await queue.getRanges(LIVE_STATES, 0, -1);
  return inboxIdsOf(jobIds);
}

/**
 * Makes sure each inbox has its job, in bulk. Adding is idempotent: the job id is stable and
 * BullMQ ignores an add whose job id exists in any state, so an inbox that already has a job
 * (waiting, delayed or active in a worker) keeps it untouched, and two schedulers adding the same
 * inbox at once make one job. A finished job with the inbox's id (left over if someone changed the
 * remove-on-finish options) would block the add, so it is removed first.
 */
export async function ensureInboxJobs(queue: InboxQueue, inboxes: readonly InboxJobData[]): Promise<void> {
  if (inboxes.length === 0) return;
  const finished = new Set(await queue.getRanges(FINISHED_STATES, 0, -1));
  if (finished.size > 0) {
    const leftovers = inboxes.map((inbox) => inboxJobId(inbox.inboxId)).filter((id) => finished.has(id));
    await removeJobs(queue, leftovers);
  }
  const batches: InboxJobData[][] = [];
  for (let i = 0; i < inboxes.length; i += ADD_BATCH) batches.push(inboxes.slice(i, i + ADD_BATCH));
  // A few batches in flight, so building the next batch overlaps Redis running the previous one.
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      await queue.addBulk(
        batch.map((inbox) => ({
          name: INBOX_JOB_NAME,
          data: { accountId: inbox.accountId, inboxId: inbox.inboxId },
          opts: { jobId: inboxJobId(inbox.inboxId) },
        })),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(ADD_LANES, batches.length) }, lane));
}

export interface DropResult {
  /** Inboxes whose job was removed (or that had none). */
  dropped: string[];
  /**
   * Inboxes whose job is active in a worker right now. An active job is locked and cannot be
   * removed from outside; the worker's session sees the inbox disconnected (it re-reads the status
   * at least at session end) and ends by completing the job instead of requeueing it. If it
   * requeues anyway (a race), the next reconcile drops the then-delayed job.
   */
  active: string[];
}

/** Removes the waiting/delayed jobs of inboxes that were disconnected or removed. */
export async function dropInboxJobs(queue: InboxQueue, inboxIds: readonly string[]): Promise<DropResult> {
  const codes = await removeJobs(queue, inboxIds.map(inboxJobId));
  const result: DropResult = { dropped: [], active: [] };
  inboxIds.forEach((inboxId, i) => (codes[i] === 0 ? result.active : result.dropped).push(inboxId));
  return result;
}

/** queue.remove for many ids, many in flight at once. Codes: 1 removed or absent, 0 locked (active). */
async function removeJobs(queue: InboxQueue, jobIds: readonly string[]): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < jobIds.length; i += REMOVE_BATCH) {
    const batch = jobIds.slice(i, i + REMOVE_BATCH);
    codes.push(...(await Promise.all(batch.map((id) => queue.remove(id, { removeChildren: false })))));
  }
  return codes;
}

function inboxIdsOf(jobIds: readonly string[]): string[] {
  const ids: string[] = [];
  for (const jobId of jobIds) {
    const inboxId = inboxIdFromJobId(jobId);
    if (inboxId !== undefined) ids.push(inboxId);
  }
  return ids;
}
