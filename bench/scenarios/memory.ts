// 3. Memory per inbox: the worker child's RSS per connected inbox (minus its idle baseline), over
// plaintext and TLS, beside a bare imapflow child's RSS per IDLE session on the same mailboxes.
import { startBareIdle } from '../lib/bare-idle';
import { sleep } from '../lib/concurrency';
import { ratio, type BenchContext, type Scenario } from '../lib/context';
import { settledRssBytes } from '../lib/rss';
import { createMailUsers, removeMailUsers, seedInboxes, type TlsChoice } from '../lib/seed';
import { addJobs, benchQueueName, destroyQueue, openQueue, startWorker, waitConnected } from '../lib/worker-run';

const KiB = 1024;
const SETTLE_MS = 3_000;

async function workerPerInbox(ctx: BenchContext, n: number, tls: TlsChoice, mailUsers: Awaited<ReturnType<typeof createMailUsers>>) {
  const seeded = await seedInboxes({ sql: ctx.db.sql, keys: ctx.keys, prefix: `${ctx.runId}-mem${tls}${n}`, count: n, tls, mailUsers });
  const queueName = benchQueueName(ctx, `mem${tls}${n}`);
  const queue = openQueue(queueName);
  const worker = await startWorker(ctx, `worker-mem-${tls}-${n}`, queueName, n);
  try {
    await sleep(SETTLE_MS);
    const baseline = await settledRssBytes(worker.pid);
    await addJobs(queue, seeded.accountId, seeded.inboxes);
    await waitConnected(worker, n, 60_000 + n * 100);
    await sleep(SETTLE_MS);
    const loaded = await settledRssBytes(worker.pid);
    return { baseline, loaded, perInbox: (loaded - baseline) / n };
  } finally {
    await worker.stop();
    await destroyQueue(queue);
    await ctx.db.sql`DELETE FROM accounts WHERE id = ${seeded.accountId}`;
  }
}

async function barePerSession(ctx: BenchContext, n: number, tls: TlsChoice, users: Awaited<ReturnType<typeof createMailUsers>>['users']) {
  const bare = await startBareIdle(ctx.logDir, `bare-mem-${tls}-${n}`);
  try {
    await sleep(SETTLE_MS);
    const baseline = await settledRssBytes(bare.pid);
    const connected = await bare.connect(users, tls === 'tls');
    if (connected.count !== n) throw new Error(`bare client connected ${connected.count}/${n} (${connected.lastError})`);
    await sleep(SETTLE_MS);
    const loaded = await settledRssBytes(bare.pid);
    return { baseline, loaded, perSession: (loaded - baseline) / n };
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
          const worker = await workerPerInbox(ctx, n, tls, mailUsers);
          ctx.log(`memory N=${n} ${label}: bare client`);
          const bare = await barePerSession(ctx, n, tls, mailUsers.users);
          const r = worker.perInbox / bare.perSession;
          ctx.row({
            scenario: 'memory',
            figure: `N=${n} ${label} RSS per inbox`,
            value: worker.perInbox / KiB,
            unit: 'KiB',
            floor: bare.perSession / KiB,
            compare: ratio(worker.perInbox, bare.perSession),
            goal: '≤ 2× bare',
            met: r <= 2,
          });
          results.push({ n, tls: label, worker, bare });
        }
      } finally {
        await removeMailUsers(mailUsers.users);
      }
    }
    return { results, note: 'bytes; RSS = median of 5 reads of /proc/<pid>/status VmRSS, 3 s after the sessions were up; baseline = same process before any session' };
  },
};
