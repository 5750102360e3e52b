import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRedisConnection, deleteFleet } from '@reply-sync/queue';
import { uniqueName, waitFor } from '@reply-sync/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrateOnce, stack } from './helpers';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('main.ts', () => {
  beforeAll(migrateOnce);

  it('runs from the environment with JSON logs and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const queueName = uniqueName('sched-main');
    const proc = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        ...process.env,
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: stack.redisUrl,
        REPLY_SYNC_QUEUE: queueName,
        RECONCILE_INTERVAL_MS: '60000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    // Whole lines only: a chunk can end inside one. (JSON.parse throwing on half a line here once stopped
    // the pipe being read; the scheduler, blocked writing its log, then never saw the SIGTERM.)
    let partial = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const text = partial + chunk;
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));

    try {
      // Up to 60 s: on CI's 2 cores, while every package's tests start at once, tsx loading the scheduler
      // took over 20 s once. What is tested is the stop, not how fast a loaded machine starts it.
      await waitFor(() => lines.some((l) => l.event === 'started'), { what: `the started log line (stderr: ${stderr})`, timeoutMs: 60_000 });
      const killedAt = Date.now();
      proc.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 20_000))]);
      if (code !== 0) console.log(`SIGTERM at ${killedAt}; ${lines.filter((l) => (l.time as number) > killedAt).length} lines after it, the last at ${String(lines.at(-1)?.time)}`);
      if (code !== 0) console.log('the scheduler did not exit after SIGTERM; what it logged but notifications:', JSON.stringify(lines.filter((l) => l.event !== 'notified')), stderr);
      expect(code).toBe(0);
      expect(lines.some((l) => l.event === 'stopped')).toBe(true);
      expect(lines.every((l) => l.app === 'scheduler')).toBe(true);
    } finally {
      proc.kill('SIGKILL');
      const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
      await deleteFleet(redis, queueName);
      redis.disconnect();
    }
  });
});
