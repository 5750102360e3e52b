// Entry point of the scheduler process: `node dist/app/scheduler.js` (compiled by `npm run build`), or
// `node --import tsx apps/scheduler/src/main.ts`; runs the scheduler from the environment until SIGTERM/SIGINT.
import { parseSchedulerEnv } from './env';
import { runScheduler } from './run-scheduler';

try {
  const running = await runScheduler(parseSchedulerEnv());
  await running.stopped;
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
// Stopped cleanly (or failed): exit now rather than when the last socket or timer lets go.
process.exit();
