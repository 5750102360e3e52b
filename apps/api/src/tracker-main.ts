// Entry point of the tracker process: `node dist/app/tracker.js` (compiled by `npm run build`), or
// `node --import tsx apps/api/src/tracker-main.ts`; serves the open pixel and the click redirect until SIGTERM/SIGINT.
import { parseTrackerEnv } from './env';
import { runTracker } from './run-tracker';

try {
  const running = await runTracker(parseTrackerEnv());
  await running.stopped;
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
process.exit();
