// Entry point of an inbound process: `node dist/app/inbound.js` (npm run build), or
// `node --import tsx apps/inbound/src/main.ts` in tests. Runs until SIGTERM/SIGINT.
import { parseInboundEnv, type InboundEnv } from './env';
import { runInbound } from './run-inbound';

let env: InboundEnv;
try {
  env = parseInboundEnv();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
runInbound(env).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
