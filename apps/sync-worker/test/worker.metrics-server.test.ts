// The worker's HTTP server as the environment configures it: METRICS_PORT=0 means none at all, and
// METRICS_HOST is the address it listens on.
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '@reply-sync/testkit';
import { parseWorkerEnv } from '../src/env';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { startWorker, type RunningWorker } from '../src/worker';
import { workerEnvSource } from './helpers/fixture';

let running: RunningWorker | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const start = (overrides: Record<string, string>) =>
  startWorker({
    env: parseWorkerEnv({ ...workerEnvSource(), REPLY_SYNC_QUEUE: `metrics-${process.pid}-${Date.now()}`, ...overrides }),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    sends: false,
  });

describe('the worker HTTP server', () => {
  it('METRICS_PORT=0 starts none', async () => {
    running = await start({ METRICS_PORT: '0' });
    expect(running.httpPort).toBeNull();
  });

  it('listens on METRICS_HOST:METRICS_PORT, and only there', async () => {
    const port = await closedPort();
    // 127.0.0.2 is loopback too (127.0.0.0/8), but a different address than the default 127.0.0.1.
    running = await start({ METRICS_PORT: String(port), METRICS_HOST: '127.0.0.2' });
    expect(running.httpPort).toBe(port);
    expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
