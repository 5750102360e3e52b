// 1. Floor: a bare imapflow client (its own process) holding N IDLE sessions on the same Dovecot;
// LMTP deliveries to random inboxes at a steady rate; latency delivery start → untagged EXISTS.
import { composeEmail } from '@reply-sync/testkit';
import { startBareIdle, type ExistsEvent } from '../lib/bare-idle';
import { sleep } from '../lib/concurrency';
import { waitForQuietMachine } from '../lib/quiesce';
import type { BenchContext, Scenario } from '../lib/context';
import { deliverAtRate, randomPicks, type PreparedMessage } from '../lib/delivery';
import { replyLoad } from '../lib/load';
import { createMailUsers, removeMailUsers } from '../lib/seed';
import { summarize, type LatencySummary } from '../lib/stats';

export interface FloorResult {
  n: number;
  latency: LatencySummary;
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

    const picks = randomPicks(n, ratePerSec * durationS, n);
    const messages: PreparedMessage[] = [];
    for (const [i, pick] of picks.entries()) {
      const to = users[pick]!;
      const raw = await composeEmail({ from: 'someone@sender.test', to: to.address, subject: `floor ${i}`, text: 'hello\n'.repeat(100) });
      messages.push({ to, raw, key: to.user });
    }
    // Deliveries to one user are matched to its EXISTS events in start order.
    const pending = new Map<string, number[]>();
    const latencies: number[] = [];
    bare.onExists((e: ExistsEvent) => {
      const queue = pending.get(e.user) ?? [];
      for (let k = 0; k < e.count - e.prevCount; k += 1) {
        const start = queue.shift();
        if (start !== undefined) latencies.push(e.t - start);
      }
    });
    ctx.log(`floor N=${n}: delivering ${messages.length} messages at ${ratePerSec}/s`);
    // Registered when the delivery starts: EXISTS can arrive before LMTP's final reply is read.
    const delivered = await deliverAtRate(messages, ratePerSec, {
      onStart: (m, startMs) => {
        const q = pending.get(m.to.user) ?? [];
        q.push(startMs);
        pending.set(m.to.user, q);
      },
    });
    const ok = delivered.filter((d) => !d.error).length;
    const deadline = Date.now() + 10_000;
    while (latencies.length < ok && Date.now() < deadline) await sleep(100);
    return { n, latency: summarize(latencies), delivered: ok, missing: ok - latencies.length, deliveryErrors: delivered.length - ok };
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
      results.push(r);
      for (const p of ['p50', 'p95', 'p99', 'max'] as const) {
        ctx.row({ scenario: 'floor', figure: `N=${n} delivery→EXISTS ${p}`, value: r.latency[p], unit: 'ms' });
      }
      ctx.row({ scenario: 'floor', figure: `N=${n} EXISTS missing`, value: r.missing, unit: `of ${r.delivered}` });
    }
    return { results };
  },
};
