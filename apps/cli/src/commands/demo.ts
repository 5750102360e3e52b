// `demo [--once]`: the service end to end on the local stack (README command one, `npm run demo`).
import type { Command } from 'commander';
import type { CliRuntime } from '../runtime';

export function registerDemoCommand(program: Command, rt: CliRuntime): void {
  program
    .command('demo')
    .description('start the local stack and show a reply logged and two not logged, then keep running until Ctrl-C')
    .option('--once', 'exit after printing the timeline and the decisions')
    .option('--timeout <seconds>', 'how long to wait for the worker and the decisions', '60')
    .action(
      rt.action(async (ctx) => {
        // Loaded on demand: the demo pulls in the test kit, which only the demo needs.
        const { runDemo } = await import('../demo/run-demo');
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const result = await runDemo({
            once: ctx.opts.once === true,
            timeoutMs: Number(ctx.opts.timeout) * 1000,
            signal: stop.signal,
            // Under --json the narrative goes to stderr and the result alone to stdout.
            print: (text) => (ctx.json ? ctx.io.stderr.write(`${text}\n`) : ctx.io.stdout.write(`${text}\n`)),
          });
          if (ctx.json) ctx.print(result, () => '');
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
