// The timings that decide how fast a dead worker's inboxes move to another worker, in one place.
//
// A job is an IMAP session that holds its inbox for minutes, so BullMQ's lock is what says "a live
// worker has this inbox". The worker renews it every lockDuration/2 (7.5 s). When a worker dies the
// lock expires at most lockDuration (15 s) after its last renewal; the other workers' stalled check
// runs every stalledInterval (5 s) and needs the job to be seen lock-less across two checks, so the
// job is back in `wait` within 15 + 2 × 5 = 25 s and a worker with a free slot takes it at once:
// under the 30 s the product promises.

/** How long a job's lock lives without renewal. */
export const LOCK_DURATION_MS = 15_000;

/** How often each worker looks for active jobs whose lock expired (stalled jobs). */
export const STALLED_INTERVAL_MS = 5_000;

/**
 * How often a job may stall before BullMQ fails it. A job stalls when its worker dies (SIGKILL, OOM,
 * a lost host); that is not the inbox's fault and the job is the inbox's only job, so it must never
 * go to `failed`. BullMQ never resets the count while the job lives (and an inbox job lives as long
 * as the inbox is connected), so the limit is effectively infinite.
 */
export const MAX_STALLED_COUNT = 1_000_000;

/** Default length of one IMAP session (one job run) before the job requeues itself (SESSION_MAX_MS). */
export const DEFAULT_SESSION_MAX_MS = 5 * 60_000;

/** Delay of the requeue at session end: 0 hands the inbox to the next free worker at once. */
export const DEFAULT_REQUEUE_DELAY_MS = 0;
