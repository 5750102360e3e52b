// 3. Memory per inbox: the worker child's RSS per connected inbox (minus its idle baseline), over
// plaintext and TLS, beside a bare imapflow child's RSS per IDLE session on the same mailboxes.
// Also the marginal cost (RSS at N minus RSS at N/2, per inbox), which start-up noise does not touch.
import { startBareIdle } from '../lib/bare-idle';
import { sleep } from '../lib/concurrency';
import { ratio, type BenchContext, type Scenario } from '../lib/context';
import { rssAfterGc } from '../lib/rss';
import { createMailUsers, removeMailUsers, seedInboxes, type TlsChoice } from '../lib/seed';
import { addJobs, benchQueueName, destroyQueue, openQueue, startWorker, waitConnected } from '../lib/worker-run';

const KiB = 1024;
const SETTLE_MS = 3_000;
/** Below this total change, RSS differences are start-up and GC noise, not sessions. */
const NOISE_BYTES = 16 * 1024 * 1024;

interface RssPoints {
  baseline: number;
  half: number;
  loaded: number;
}

const perUnit = (p: RssPoints, n: number) => ({
  overBaseline: (p.loaded - p.baseline) / n,
  marginal: (p.loaded - p.half) / (n - Math.floor(n / 2)),
});

async function workerRss(ctx: BenchContext, n: number, tls: TlsChoice, mailUsers: Awaited<ReturnType<typeof createMailUsers>>): Promise<RssPoints> {
  const seeded = await seedInboxes({ sql: ctx.db.sql, keys: ctx.keys, prefix: `${ctx.runId}-mem${tls}${n}`, count: n, tls, mailUsers });
  const queueName = benchQueueName(ctx, `mem${tls}${n}`);
  const queue = openQueue(queueName);
  const worker = await startWorker(ctx, `worker-mem-${tls}-${n}`, queueName, n);
  try {
    await sleep(SETTLE_MS);
    const baseline = await rssAfterGc(worker.pid);
    const half = Math.floor(n / 2);
    await addJobs(queue, seeded.accountId, seeded.inboxes.slice(0, half));
    await waitConnected(worker, half, 60_000 + n * 100);
    await sleep(SETTLE_MS);
    const halfRss = await rssAfterGc(worker.pid);
    await addJobs(queue, seeded.accountId, seeded.inboxes.slice(half));
    await waitConnected(worker, n, 60_000 + n * 100);
    await sleep(SETTLE_MS);
    const loaded = await rssAfterGc(worker.pid);
    return { baseline, half: halfRss, loaded };
  } finally {
    await worker.stop();
    await destroyQueue(queue);
    await ctx.db.sql`DELETE FROM accounts WHERE id = ${seeded.accountId}`;
  }
}

async function bareRss(ctx: BenchContext, n: number, tls: TlsChoice, users: Awaited<ReturnType<typeof createMailUsers>>['users']): Promise<RssPoints> {
  const bare = await startBareIdle(ctx.logDir, `bare-mem-${tls}-${n}`);
  try {
    await sleep(SETTLE_MS);
    const baseline = await rssAfterGc(bare.pid);
    const half = Math.floor(n / 2);
    const connectSlice = async (slice: typeof users, expected: number) => {
      const connected = await bare.connect(slice, tls === 'tls');
      if (connected.count !== expected) throw new Error(`bare client connected ${connected.count}/${expected} (${connected.lastError})`);
    };
    await connectSlice(users.slice(0, half), half);
    await sleep(SETTLE_MS);
    const halfRss = await rssAfterGc(bare.pid);
    await connectSlice(users.slice(half), n);
    await sleep(SETTLE_MS);
    const loaded = await rssAfterGc(bare.pid);
    return { baseline, half: halfRss, loaded };
  } finally {
    await bare.close();
  }
}

export const memoryScenario: Scenario = {
  name: 'memory',
  title: 'worker RSS per connected inbox vs a bare imapflow session, plaintext and TLS',
  async run(ctx) {
    const results = [];
    for (const n of ctx.options.sizes) {
      ctx.log(`memory N=${n}: creating ${n} Dovecot users`);
      const mailUsers = await createMailUsers(`${ctx.runId}-mem${n}`, n);
      try {
        for (const tls of ['none', 'tls'] as const) {
          const label = tls === 'tls' ? 'TLS' : 'plaintext';
          ctx.log(`memory N=${n} ${label}: worker`);
          const worker = await workerRss(ctx, n, tls, mailUsers);
          ctx.log(`memory N=${n} ${label}: bare client`);
          const bare = await bareRss(ctx, n, tls, mailUsers.users);
          const w = perUnit(worker, n);
          const b = perUnit(bare, n);
          const noisy = Math.abs(worker.loaded - worker.baseline) < NOISE_BYTES || Math.abs(bare.loaded - bare.baseline) < NOISE_BYTES;
          const verdict = (value: number, floor: number) =>
            noisy ? { compare: `${ratio(value, floor)} (below noise)` } : { compare: ratio(value, floor), goal: '≤ 2× bare', met: value <= 2 * floor };
          ctx.row({ scenario: 'memory', figure: `N=${n} ${label} RSS/inbox over idle baseline`, value: w.overBaseline / KiB, unit: 'KiB', floor: b.overBaseline / KiB, ...verdict(w.overBaseline, b.overBaseline) });
          ctx.row({ scenario: 'memory', figure: `N=${n} ${label} marginal RSS/inbox (N/2→N)`, value: w.marginal / KiB, unit: 'KiB', floor: b.marginal / KiB, compare: `${ratio(w.marginal, b.marginal)}${noisy ? ' (below noise)' : ''}` });
          results.push({ n, tls: label, worker: { ...worker, ...w }, bare: { ...bare, ...b }, belowNoise: noisy });
        }
      } finally {
        await removeMailUsers(mailUsers.users);
      }
    }
    return {
      results,
      note: `bytes. RSS = /proc/<pid>/status VmRSS after a forced full GC (--expose-gc + SIGUSR2 preload), median of 4 reads within 1 MiB, ${SETTLE_MS / 1000} s after the sessions were up; baseline = same process before any session; marginal = (RSS at N − RSS at N/2) / (N − N/2). Figures whose total change is under ${NOISE_BYTES / 1048576} MiB are marked below noise (start-up and GC variation is of that order).`,
    };
  },
};
