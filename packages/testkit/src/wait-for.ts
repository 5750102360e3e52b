// Polls a condition until it holds: tests wait for servers this way, never with fixed sleeps.

export interface WaitForOptions {
  /** What is awaited, for the timeout message ("the reply in INBOX"). */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
}

/**
 * Calls `fn` until it returns a truthy value and resolves with that value. Errors thrown by `fn` count as
 * "not yet"; the last one is quoted if time runs out.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { what, timeoutMs = 10_000, intervalMs = 100 }: WaitForOptions,
): Promise<NonNullable<T>> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new WaitForTimeoutError(`Timed out after ${elapsed} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - elapsed)));
  }
}
