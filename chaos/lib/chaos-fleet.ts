// The system under test: a Redis and a PostgreSQL of the suite's own, an outage proxy in front of the
// stack's Dovecot IMAP port, one scheduler and three workers as real processes on their own fleet. Faults
// are played on these parts only: the shared stack's servers are never stopped (others test on them).
import { startOutageProxy, startPrivateRedis, stack, type OutageProxy, type PrivatePostgres, type PrivateRedis } from '@reply-sync/testkit';
import { startSchedulerProcess, startWorkerProcess, type SchedulerProcess, type WorkerProcess } from '../../bench/lib/processes';

export interface ChaosFleet {
  readonly name: string;
  readonly redis: PrivateRedis;
  /** The server of the run's database (the caller's: it outlives the fleet until the figures are read). */
  readonly postgres: PrivatePostgres;
  /** In front of the stack's Dovecot IMAP port: every inbox's imap_port is this proxy's. */
  readonly imapProxy: OutageProxy;
  /** The workers alive now (a SIGKILLed one leaves the list). */
  readonly workers: WorkerProcess[];
  /** Starts one more worker on the fleet. */
  addWorker(): Promise<WorkerProcess>;
  /** SIGKILLs a worker (no goodbye to Redis or Dovecot) and drops it from `workers`. */
  killWorker(worker: WorkerProcess): Promise<void>;
  /** Sessions the live workers say they hold (the sum of their reply_sync_inboxes_connected). */
  sessionsHeld(): Promise<number>;
  close(): Promise<void>;
}

export interface ChaosFleetOptions {
  name: string;
  /** The run's own database (bench-db) on `postgres`. */
  databaseUrl: string;
  postgres: PrivatePostgres;
  logDir: string;
  workers: number;
}

export async function startChaosFleet(options: ChaosFleetOptions): Promise<ChaosFleet> {
  const redis = await startPrivateRedis();
  const profile = stack.profiles.standard;
  const imapProxy = await startOutageProxy({ host: profile.host, port: profile.imapPort });
  const { databaseUrl } = options;
  const workers: WorkerProcess[] = [];
  let started = 0;
  let scheduler: SchedulerProcess | undefined;

  const addWorker = async (): Promise<WorkerProcess> => {
    started += 1;
    const worker = await startWorkerProcess({
      databaseUrl,
      queueName: options.name,
      concurrency: 1,
      logDir: options.logDir,
      name: `worker-${started}`,
      env: {
        REDIS_URL: redis.url,
        LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'info',
        // Production's session length and login pacing, not the bench's: the faults meet the real settings.
        SESSION_MAX_MS: String(12 * 3600_000),
        LOGIN_RATE_PER_HOST: '20/s:40',
      },
    });
    workers.push(worker);
    return worker;
  };

  const fleet: ChaosFleet = {
    name: options.name,
    redis,
    postgres: options.postgres,
    imapProxy,
    workers,
    addWorker,
    async killWorker(worker) {
      worker.kill();
      await worker.exited;
      workers.splice(workers.indexOf(worker), 1);
    },
    async sessionsHeld() {
      const counts = await Promise.all(workers.map((w) => w.connected().catch(() => 0)));
      return counts.reduce((sum, n) => sum + n, 0);
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await scheduler?.stop();
      await imapProxy.close();
      await redis.close();
    },
  };
  try {
    scheduler = startSchedulerProcess({
      databaseUrl,
      redisUrl: redis.url,
      queueName: options.name,
      logDir: options.logDir,
      name: 'scheduler',
      env: { LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'info' },
    });
    await Promise.all(Array.from({ length: options.workers }, () => addWorker()));
  } catch (error) {
    await fleet.close();
    throw error;
  }
  return fleet;
}
