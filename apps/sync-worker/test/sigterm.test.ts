// SIGTERM on a worker process (src/main.ts, as deployed): it stops taking jobs, ends its sessions
// (LOGOUT), puts each job back on the queue for another worker, and exits 0. A worker started next
// picks the inbox up and logs what arrived meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@reply-sync/testkit';
import { createFixture, workerEnvSource, type Fixture } from './helpers/fixture';

let fx: Fixture;
let child: ChildProcess | null = null;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await fx?.cleanup();
});

const mainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('SIGTERM', () => {
  it('ends the sessions, releases the jobs and exits 0', async () => {
    fx = await createFixture('sigterm');
    await fx.enqueue();
    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
      env: { ...process.env, ...workerEnvSource(), REPLY_SYNC_QUEUE: fx.queueName, METRICS_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the session baseline', timeoutMs: 20_000 });
    await waitFor(async () => (await fx.queue.getJobCounts('active')).active === 1, { what: 'the job active' });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code, output).toBe(0);
    const counts = await fx.queue.getJobCounts('active', 'waiting', 'delayed', 'completed', 'failed');
    expect(counts.active).toBe(0);
    expect((counts.waiting ?? 0) + (counts.delayed ?? 0)).toBe(1);
    expect(output).toContain('sync worker stopped');
    // Nothing ever went to stdout but JSON lines, and no password among them.
    expect(output).not.toContain(fx.mailUser.password);

    // The reply that arrives while no worker runs is logged by the next one.
    const reply = await fx.deliverReply();
    await fx.startWorker();
    await waitFor(async () => fx.q.emails.getByMessageId(reply), { what: 'the reply logged by the next worker', timeoutMs: 15_000 });
  });
});
