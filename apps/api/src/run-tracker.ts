// Runs the tracker as its own process from its env (`reply-sync tracker`, dist/app/tracker.js): a small
// database pool for the batch recorder, the lean Fastify app of tracker/tracker-app.ts, listening, signals.
// Stopping flushes the recorder, so every hit answered before SIGTERM is written.
import { createDb } from '@reply-sync/db';
import type { DestinationStream } from 'pino';
import { loadTrackingRanges } from '@reply-sync/tracking';
import type { TrackerEnv } from './env';
import type { RunningApi } from './run-api';
import { buildTrackerApp } from './tracker/tracker-app';

export interface RunTrackerOptions {
  handleSignals?: boolean;
  logStream?: DestinationStream;
}

export async function runTracker(env: TrackerEnv, options: RunTrackerOptions = {}): Promise<RunningApi> {
  const db = createDb(env.DATABASE_URL, { max: env.DB_POOL_MAX });
  const app = await buildTrackerApp({ db: db.db, keys: env.trackingKeys, ...loadTrackingRanges({ apple: env.TRACKING_APPLE_RANGES_FILE, scanners: env.TRACKING_SCANNER_RANGES_FILE }), logLevel: env.LOG_LEVEL, ...(options.logStream ? { logStream: options.logStream } : {}) });
  let address: string;
  try {
    address = await app.listen({ host: env.TRACKER_HOST, port: env.TRACKER_PORT });
  } catch (error) {
    await app.close();
    await db.close();
    throw error;
  }
  app.log.info({ event: 'tracker_listening', url: address }, 'tracker listening');

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ event: 'signal', signal }, 'stopping tracker');
    void stop();
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      try {
        await app.close(); // flushes the recorder (onClose)
      } finally {
        await db.close();
        resolveStopped();
      }
    })());
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { url: address, stop, stopped };
}
