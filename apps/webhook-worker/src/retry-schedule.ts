// When a failed delivery is tried again: 5 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, then every 6 h, until
// it succeeds or has failed for 3 days (then it is given up, and an endpoint failing that long is
// disabled). Tests shorten both by configuration (WEBHOOK_RETRY_SCHEDULE, WEBHOOK_DISABLE_AFTER_MS).
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];
export const DEFAULT_DISABLE_AFTER_MS = 3 * 24 * 3_600_000;

/** The wait after failed attempt `attempt` (1-based); the schedule's last step repeats. */
export function retryDelay(attempt: number, schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS): number {
  return schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1]!;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `5s,30s,2m,10m,1h,3h,6h` (units ms, s, m/min, h) → milliseconds; null when malformed. */
export function parseRetrySchedule(text: string): number[] | null {
  const steps = text.split(',').map((part) => /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)\s*$/.exec(part));
  if (steps.length === 0 || steps.some((m) => !m)) return null;
  const ms = steps.map((m) => Math.round(Number(m![1]) * UNIT_MS[m![2]!]!));
  return ms.every((v) => v > 0) ? ms : null;
}
