// `reply-sync demo` in the compiled CLI: the build puts this module in run-demo.ts's place. The demo drives
// the checkout's local stack (scripts/stack.sh) and the test kit, so it runs from the TypeScript sources.
import { CliError } from '../cli-error';
import type { runDemo as runDemoFromSource } from './run-demo';

export const runDemo: typeof runDemoFromSource = async () => {
  throw new CliError('demo_needs_sources', 'The demo runs from the TypeScript sources of a checkout: `npm run demo` (or `npm run demo -- --once`).');
};
