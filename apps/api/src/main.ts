// Entry point of the API process: `node dist/app/api.js` (compiled by `npm run build`), or
// `node --import tsx apps/api/src/main.ts`; serves the API from the environment until SIGTERM/SIGINT.
import { parseApiEnv } from './env';
import { runApi } from './run-api';

try {
  const running = await runApi(parseApiEnv());
  await running.stopped;
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
process.exit();
