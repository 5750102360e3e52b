// A worker process started as deployed (src/main.ts) with inboxes to hold prints nothing on stderr:
// no MaxListenersExceededWarning (or any other Node warning) at start.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { spawnWorkerProcess, stopAllWorkerProcesses } from './helpers/worker-process';

let fx: Fixture;
afterEach(async () => {
  stopAllWorkerProcesses();
  await fx?.cleanup();
});

describe('worker start', () => {
  it("prints no warning while it takes up more inboxes than Node's default listener limit", { timeout: 120_000 }, async () => {
    fx = await createFixture('no-warnings');
    const ids = [fx.inboxId];
    for (let i = 0; i < 11; i++) ids.push((await fx.addInbox()).inboxId);
    await fx.enqueue(ids);
    const worker = spawnWorkerProcess(fx.queueName, { LOG_LEVEL: 'info' });
    await waitFor(
      async () => {
        for (const id of ids) if (!(await fx.q.inboxes.get(id))?.uidvalidity) return false;
        return true;
      },
      { what: 'every session baselined', timeoutMs: 60_000 },
    );
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toBe(0);
    expect(worker.stdout()).toContain('sync worker stopped');
    expect(worker.stderr()).toBe('');
  });
});
