// The steady reply flood of a chaos run: replies from each inbox's contact to one of its logged threads,
// picked at random, delivered by LMTP straight into Dovecot (never through the IMAP proxy, so mail keeps
// arriving while the fleet's link is cut), at a fixed rate for the whole run. Each delivery is tagged
// with the phase that was running when it started.
import { deliver } from '@reply-sync/testkit';
import { sleep } from '../../bench/lib/concurrency';
import { composeReply, type SeededInbox } from '../../bench/lib/seed';

export interface FloodDelivery {
  /** Normalised Message-ID of the reply. */
  key: string;
  inboxId: string;
  phase: string;
  startMs: number;
  doneMs: number;
  error?: string;
}

export interface ReplyFlood {
  readonly deliveries: readonly FloodDelivery[];
  /** Stops starting deliveries and waits for those under way. */
  stop(): Promise<void>;
}

export function startReplyFlood(
  inboxes: readonly SeededInbox[],
  threads: ReadonlyMap<number, readonly string[]>,
  ratePerSec: number,
  currentPhase: () => string,
  maxInFlight = 16,
): ReplyFlood {
  const deliveries: FloodDelivery[] = [];
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const t0 = Date.now();
  const loop = (async () => {
    for (let i = 0; !stopped; i += 1) {
      const wait = t0 + (i * 1000) / ratePerSec - Date.now();
      if (wait > 0) await sleep(wait);
      if (stopped) break;
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      const inbox = inboxes[Math.floor(Math.random() * inboxes.length)]!;
      const ids = threads.get(inbox.index) ?? [inbox.outboundMessageId];
      const reply = await composeReply(inbox, 'chaos', { threadMessageId: ids[Math.floor(Math.random() * ids.length)]! });
      const record: FloodDelivery = { key: reply.messageIdNorm, inboxId: inbox.inboxId, phase: currentPhase(), startMs: Date.now(), doneMs: 0 };
      const p = deliver(inbox.mail, reply.raw)
        .then(
          () => void (record.doneMs = Date.now()),
          (error: unknown) => {
            record.doneMs = Date.now();
            record.error = error instanceof Error ? error.message : String(error);
          },
        )
        .finally(() => {
          deliveries.push(record);
          inFlight.delete(p);
        });
      inFlight.add(p);
    }
  })();
  return {
    deliveries,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
    },
  };
}
