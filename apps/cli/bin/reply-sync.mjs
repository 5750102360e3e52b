#!/usr/bin/env node
// The `reply-sync` bin of the root package: registers tsx (the code is TypeScript, no build step)
// and runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
