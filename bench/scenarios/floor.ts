// 1. Floor: a bare imapflow client (its own process) holding N IDLE sessions on the same Dovecot;
// LMTP deliveries to random inboxes at a steady rate; latency delivery start → untagged EXISTS.
import { composeEmail } from '@reply-sync/testkit';
import { startBareIdle, type ExistsEvent } from '../lib/bare-idle';
import { sleep } from '../lib/concurrency';
import { waitForQuietMachine } from '../lib/quiesce';
import type { BenchContext, Scenario } from '../lib/context';
import { deliverAtRate, randomPicks, type PreparedMessage } from '../lib/delivery';
import { replyLoad, warmUpLoad } from '../lib/load';
import { createMailUsers, removeMailUsers } from '../lib/seed';
import { summarize, type LatencySummary } from '../lib/stats';

export interface FloorResult {
  n: number;
  latency: LatencySummary;
  /** The warm-up's deliveries (before the measured ones, not in `latency`). */
  warmUp: LatencySummary;
  delivered: number;
  missing: number;
  deliveryErrors: number;
}

export async function measureFloor(ctx: BenchContext, n: number): Promise<FloorResult> {
  const { ratePerSec, durationS } = replyLoad(ctx.options);
  const prefix = `${ctx.runId}-floor${n}`;
  ctx.log(`floor N=${n}: creating ${n} Dovecot users`);
  const { users } = await createMailUsers(prefix, n);
  const bare = await startBareIdle(ctx.logDir, `bare-floor-${n}`);
  try {
    const connected = await bare.connect(users, false);
    if (connected.count !== n) throw new Error(`bare client connected ${connected.count}/${n} (${connected.lastError})`);
    const settle = await waitForQuietMachine();
    ctx.log(`floor N=${n}: machine ${settle.settled ? 'settled' : 'did not settle'} after ${settle.waitedMs} ms (busy ${Math.round(settle.lastBusy * 100)} %)`);

    const compose = async (count: number, tag: string, seed: number): Promise<PreparedMessage[]> => {
      const messages: PreparedMessage[] = [];
      for (const [i, pick] of randomPicks(n, count, seed).entries()) {
        const to = users[pick]!;
        const raw = await composeEmail({ from: 'someone@sender.test', to: to.address, subject: `floor ${tag} ${i}`, text: 'hello\n'.repeat(100) });
        messages.push({ to, raw, key: to.user });
      }
      return messages;
    };
    const warm = warmUpLoad(ctx.options);
    const warmMessages = await compose(warm.ratePerSec * warm.durationS, 'warm-up', n + 3);
    const messages = await compose(ratePerSec * durationS, 'measured', n);
    // Deliveries to one user are matched to its EXISTS events in start order.
    const pending = new Map<string, number[]>();
    let latencies: number[] = [];
    bare.onExists((e: ExistsEvent) => {
      const queue = pending.get(e.user) ?? [];
      for (let k = 0; k < e.count - e.prevCount; k += 1) {
        const start = queue.shift();
        if (start !== undefined) latencies.push(e.t - start);
      }
    });
    const timed = async (batch: PreparedMessage[], rate: number) => {
      latencies = [];
      // Registered when the delivery starts: EXISTS can arrive before LMTP's final reply is read.
      const delivered = await deliverAtRate(batch, rate, {
        onStart: (m, startMs) => {
          const q = pending.get(m.to.user) ?? [];
          q.push(startMs);
          pending.set(m.to.user, q);
        },
      });
      const ok = delivered.filter((d) => !d.error).length;
      const deadline = Date.now() + 10_000;
      while (latencies.length < ok && Date.now() < deadline) await sleep(100);
      pending.clear();
      return { latencies, ok, errors: delivered.length - ok };
    };
    ctx.log(`floor N=${n}: warming up with ${warmMessages.length} messages at ${warm.ratePerSec}/s (reported apart)`);
    const warmUp = await timed(warmMessages, warm.ratePerSec);
    await waitForQuietMachine();
    ctx.log(`floor N=${n}: delivering ${messages.length} messages at ${ratePerSec}/s`);
    const { latencies: measured, ok, errors } = await timed(messages, ratePerSec);
    return { n, latency: summarize(measured), warmUp: summarize(warmUp.latencies), delivered: ok, missing: ok - measured.length, deliveryErrors: errors };
  } finally {
    await bare.close();
    await removeMailUsers(users);
  }
}

export const floorScenario: Scenario = {
  name: 'floor',
  title: 'bare imapflow IDLE sessions: LMTP delivery → untagged EXISTS',
  async run(ctx) {
    const results: FloorResult[] = [];
    for (const n of ctx.options.sizes) {
      const r = await measureFloor(ctx, n);
      ctx.floors.set(n, r.latency);
      ctx.floorWarmUps.set(n, r.warmUp);
      results.push(r);
      for (const p of ['p50', 'p95', 'p99', 'max'] as const) {
        ctx.row({ scenario: 'floor', figure: `N=${n} delivery→EXISTS ${p}`, value: r.latency[p], unit: 'ms' });
      }
      ctx.row({ scenario: 'floor', figure: `N=${n} EXISTS missing`, value: r.missing, unit: `of ${r.delivered}` });
      ctx.row({ scenario: 'floor', figure: `N=${n} warm-up (the first ${r.warmUp.count} deliveries, not above) p99`, value: r.warmUp.p99, unit: 'ms' });
    }
    return { results };
  },
};
