// How long a session waits before its next login, the one place for it: retryDelay() picks the
// schedule from the error's class. Every delay is jittered, so the sessions that lost a server at the
// same moment do not all come back in the same millisecond (the fleet-wide login budget in
// packages/queue then paces what still arrives together).
import type { MailErrorClass, ThrottleReason } from '@reply-sync/mail';

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

/**
 * Ordinary transient errors (refused, reset, timed out, DNS): the first retries come fast and the wait
 * grows with how long the server has been failing, never past `outageShare` of it (at least
 * `minCeilingMs`, at most `maxMs`). So a 3-second restart costs at most ~2 s more than itself, a
 * 10-minute outage at most 60 s more, and a long one costs one login a minute.
 */
export const RECONNECT_SCHEDULE = { firstMs: 250, minCeilingMs: 2_000, outageShare: 1 / 8, maxMs: 60_000 } as const;

/** Uniform in [c/2, c], c = min(first·2^attempt, clamp(failingFor·share, minCeiling, max)). */
export function reconnectDelay(attempt: number, failingForMs: number, random = Math.random): number {
  const s = RECONNECT_SCHEDULE;
  const cap = Math.min(s.maxMs, Math.max(s.minCeilingMs, Math.max(0, failingForMs) * s.outageShare));
  const ceiling = Math.min(cap, s.firstMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * A provider throttling the account: retry `attempt` waits uniform in [c, 1.5·c], c = min(max,
 * base·2^attempt) (never less than the base: coming back early is what got the account throttled).
 * Why each: Gmail suspends an account over its bandwidth limits for 1 to 24 hours; its 15 connections
 * are shared with the user's own apps, which close theirs within minutes; [THROTTLED] slows commands
 * for a while; Microsoft refuses sessions to clients that reconnect too often; [UNAVAILABLE] is a
 * server restarting or busy.
 */
export const THROTTLE_BACKOFF: Readonly<Record<ThrottleReason, BackoffPolicy>> = {
  gmail_bandwidth_exceeded: { baseMs: 20 * 60_000, maxMs: 2 * 60 * 60_000 },
  too_many_connections: { baseMs: 2 * 60_000, maxMs: 15 * 60_000 },
  gmail_throttled: { baseMs: 30_000, maxMs: 5 * 60_000 },
  office365_not_connected: { baseMs: 60_000, maxMs: 15 * 60_000 },
  office365_throttled: { baseMs: 30_000, maxMs: 5 * 60_000 },
  server_unavailable: { baseMs: 2_000, maxMs: 60_000 },
};

/** Microsoft's own "Suggested Backoff Time" is followed as given (at least a second), plus up to 20 %. */
const MIN_HINTED_MS = 1_000;

export function throttleDelay(reason: ThrottleReason, attempt: number, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.round(Math.max(MIN_HINTED_MS, retryAfterMs) * (1 + 0.2 * random()));
  const policy = THROTTLE_BACKOFF[reason];
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(ceiling * (1 + 0.5 * random()));
}

export interface RetryContext {
  /** Failed attempts since the last successful login (0 = this is the first). */
  attempt: number;
  /** How long logins have been failing (now − the first failure of this run); 0 when unknown. */
  failingForMs: number;
  random?: () => number;
}

/** How long to wait before the next login after this error. */
export function retryDelay(error: Pick<MailErrorClass, 'throttle' | 'retryAfterMs'>, context: RetryContext): number {
  const random = context.random ?? Math.random;
  if (error.throttle) return throttleDelay(error.throttle, context.attempt, error.retryAfterMs, random);
  return reconnectDelay(context.attempt, context.failingForMs, random);
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
