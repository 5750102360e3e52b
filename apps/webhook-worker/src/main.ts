// Entry point of a webhook worker process: `node dist/app/webhooks.js` (npm run build), or
// `node --import tsx apps/webhook-worker/src/main.ts` in tests and the benchmark. Runs until SIGTERM/SIGINT.
import { parseWebhookWorkerEnv, type WebhookWorkerEnv } from './env';
import { runWebhookWorker } from './run-webhook-worker';

let env: WebhookWorkerEnv;
try {
  env = parseWebhookWorkerEnv();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
runWebhookWorker(env).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
