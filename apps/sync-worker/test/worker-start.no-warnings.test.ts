// A worker process started as deployed (src/main.ts) with inboxes to hold prints nothing on stderr:
// no MaxListenersExceededWarning (or any other Node warning) at start.
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

describe('worker start', () => {
  it('prints no warning while it takes up more inboxes than Node\'s default listener limit', async () => {
    fx = await createFixture('no-warnings');
    const ids = [fx.inboxId];
    for (let i = 0; i < 11; i++) ids.push((await fx.addInbox()).inboxId);
    await fx.enqueue(ids);
    let stderr = '';
    let stdout = '';
    child = spawn(process.execPath, ['--trace-warnings', '--import', 'tsx', mainPath], {
      env: { ...process.env, ...workerEnvSource(), REPLY_SYNC_QUEUE: fx.queueName, WORKER_CONCURRENCY: '20', METRICS_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(async () => (await fx.queue.getJobCounts('active')).active === ids.length, { what: 'every job active', timeoutMs: 20_000 });
    await waitFor(async () => {
      for (const id of ids) if (!(await fx.q.inboxes.get(id))?.uidvalidity) return false;
      return true;
    }, { what: 'every session baselined', timeoutMs: 20_000 });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited, stdout).toBe(0);
    expect(stdout).toContain('sync worker stopped');
    expect(stderr).toBe('');
  });
});
