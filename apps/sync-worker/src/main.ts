// Entry point of a worker process: `node dist/app/worker.js` (compiled by `npm run build`), or
// `node --import tsx apps/sync-worker/src/main.ts` in tests and the benchmark. It runs the worker from the
// environment until SIGTERM/SIGINT. Entry only (it runs when loaded): code that embeds a worker imports
// runWorker or startWorker from the package instead.
import { parseWorkerEnv, type WorkerEnv } from './env';
import { runWorker } from './run-worker';

let env: WorkerEnv;
try {
  env = parseWorkerEnv();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
runWorker(env).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
