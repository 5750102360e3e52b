// The `reply-sync` process: compiled to dist/app/reply-sync.js by `npm run build` (the root package's bin
// runs that), and run from source by bin/reply-sync-ts.mjs (`npm run cli`, `npm run demo`, tests).
import { runCli } from './main';

// A reader that stopped reading (`reply-sync inbox list | head`) wants no more output: end quietly, with
// exit code 0, instead of dying on EPIPE with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = await runCli(process.argv.slice(2));
