// Delivering prepared messages by LMTP at a steady rate (bounded in count and time), recording when
// each delivery started: the zero of every latency figure.
import { deliver, type MailUser } from '@reply-sync/testkit';
import { sleep } from './concurrency';

export interface PreparedMessage {
  to: MailUser;
  raw: Buffer;
  /** What the receiving side matches on (a Message-ID, or the user for EXISTS). */
  key: string;
}

export interface Delivered {
  key: string;
  user: string;
  startMs: number;
  doneMs: number;
  error?: string;
}

/** Starts delivery i at t0 + i/rate (never more than `maxInFlight` at once); resolves when all are done. */
export async function deliverAtRate(
  messages: readonly PreparedMessage[],
  ratePerSec: number,
  options: { maxInFlight?: number; onStart?: (message: PreparedMessage, startMs: number) => void } = {},
): Promise<Delivered[]> {
  const maxInFlight = options.maxInFlight ?? 64;
  const results: Delivered[] = [];
  const inFlight = new Set<Promise<void>>();
  const t0 = Date.now();
  for (let i = 0; i < messages.length; i += 1) {
    const m = messages[i]!;
    const due = t0 + (i * 1000) / ratePerSec;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const startMs = Date.now();
    options.onStart?.(m, startMs);
    const p = deliver(m.to, m.raw)
      .then(
        () => void results.push({ key: m.key, user: m.to.user, startMs, doneMs: Date.now() }),
        (error: unknown) =>
          void results.push({
            key: m.key,
            user: m.to.user,
            startMs,
            doneMs: Date.now(),
            error: error instanceof Error ? error.message : String(error),
          }),
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return results;
}

/** `count` picks of random indexes in [0, n), the same sequence for the same seed. */
export function randomPicks(n: number, count: number, seed = 42): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s % n);
  }
  return out;
}
