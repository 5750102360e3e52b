// Jittered exponential backoff ("full jitter"): spreads the reconnects of many sessions that lost
// their server at the same moment, so they do not all come back in the same millisecond.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 60_000 };

/** Delay before retry number `attempt` (0 = first retry): uniform in [base/2, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = RECONNECT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(policy.baseMs / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
