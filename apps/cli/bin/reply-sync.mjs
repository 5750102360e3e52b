#!/usr/bin/env node
// The `reply-sync` bin of the root package: runs the compiled CLI (dist/app/reply-sync.js, made by
// `npm run build`) on plain node, with source maps, so stack traces point into the TypeScript. The one
// rule: this bin runs the build, `npm run cli -- ARGS` (bin/reply-sync-ts.mjs) runs the sources; after
// changing the code, `npm run build` again.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';

// package.json engines; an older Node (a system's, outside npm's PATH) would fail later with less to go on.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 11)) {
  process.stderr.write(
    `error: reply-sync needs Node 24.11 or later, and this is Node ${process.versions.node}; run it as \`npx reply-sync\` in the checkout (npm puts the project's own Node first) or from the image.\n`,
  );
  process.exit(1);
}
const compiled = new URL('../../../dist/app/reply-sync.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('error: reply-sync is not built; run `npm run build` in the checkout (or `npm run cli -- ARGS` to run it from the TypeScript sources).\n');
  process.exit(1);
}
// Before the import: source maps are read for the modules loaded after this call.
nodeModule.setSourceMapsSupport(true);
await import(compiled.href);
