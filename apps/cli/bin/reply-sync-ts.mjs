#!/usr/bin/env node
// `npm run cli -- ARGS` and `npm run demo`: the CLI from its TypeScript sources through tsx, no build
// needed (what runs is what you edited). The root package's bin, bin/reply-sync.mjs, runs the compiled CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/bin.ts');
