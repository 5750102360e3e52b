// The `reply-sync` process: compiled to dist/app/reply-sync.js by `npm run build` (the root package's bin
// runs that), and run from source by bin/reply-sync-ts.mjs (`npm run cli`, `npm run demo`, tests).
import { runCli } from './main';

process.exitCode = await runCli(process.argv.slice(2));
