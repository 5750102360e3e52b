import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboxWorker, ensureInboxJobs, inboxJobId, listInboxJobIds, type InboxWorker } from '../src/index';
import { inbox, openTestQueue, redisUrl, waitFor } from './helpers';

const fixture = fileURLToPath(new URL('./fixtures/hanging-worker.ts', import.meta.url));

describe('a worker killed mid-session', () => {
  let cleanup: () => Promise<void> = async () => {};
  let child: ChildProcess | undefined;
  let rescuer: InboxWorker | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await rescuer?.close(true);
    await cleanup();
  });

  it('has its inboxes picked up by another worker within 30 s, still one job each', async () => {
    const t = openTestQueue('failover');
    cleanup = t.cleanup;
    const { queue } = t;
    const inboxes = [inbox(1), inbox(2), inbox(3)];
    await ensureInboxJobs(queue, inboxes);

    const proc = spawn(process.execPath, ['--import', 'tsx', fixture, redisUrl, queue.name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    const taken = new Set<string>();
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.startsWith('active ')) taken.add(line.slice(7));
    });
    await waitFor(() => taken.size === 3, { timeoutMs: 20_000, what: 'the doomed worker to take all 3 jobs' });

    // The rescuer is idle (no free job) until the stalled check hands it the dead worker's jobs.
    const rescued = new Map<string, number>();
    rescuer = createInboxWorker(
      { redisUrl },
      async (job) => {
        rescued.set(job.id!, Date.now());
        await new Promise(() => {});
      },
      { name: queue.name, concurrency: 10 },
    );
    await rescuer.waitUntilReady();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rescued.size).toBe(0);

    const killedAt = Date.now();
    proc.kill('SIGKILL');

    await waitFor(() => rescued.size === 3, { timeoutMs: 30_000, intervalMs: 200, what: 'all 3 jobs to be picked up again' });
    const slowest = Math.max(...rescued.values()) - killedAt;
    expect(slowest).toBeLessThan(30_000);
    expect([...rescued.keys()].sort()).toEqual(inboxes.map((i) => inboxJobId(i.inboxId)).sort());
    expect((await listInboxJobIds(queue)).sort()).toEqual(inboxes.map((i) => i.inboxId).sort());
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    console.log(`failover: all jobs picked up again ${slowest} ms after SIGKILL`);
  });
});
