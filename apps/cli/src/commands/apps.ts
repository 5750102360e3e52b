// `scheduler`, `worker`, `api`, `tracker`, `webhooks` and `inbound`: run the apps in this process, from the same environment (and --stack).
import type { Command } from 'commander';
import { stackMailHosts } from '../stack-mail-hosts';
import type { CliRuntime } from '../runtime';

export function registerAppCommands(program: Command, rt: CliRuntime): void {
  program
    .command('scheduler')
    .description('run the scheduler (one queue job per connected inbox) until SIGTERM/SIGINT')
    .action(
      rt.action(async (ctx) => {
        const { parseSchedulerEnv, runScheduler } = await import('@reply-sync/scheduler');
        const running = await runScheduler(parseSchedulerEnv(ctx.env().source));
        await running.stopped;
      }),
    );

  program
    .command('worker')
    .description('run a sync worker (IMAP sessions: match, decide, record) until SIGTERM/SIGINT')
    .action(
      rt.action(async (ctx) => {
        const { parseWorkerEnv, runWorker } = await import('@reply-sync/sync-worker');
        await runWorker(parseWorkerEnv(ctx.env().source));
      }),
    );

  program
    .command('api')
    .description('serve the HTTP API (API_HOST:API_PORT, default 127.0.0.1:8787; reference page at /docs) until SIGTERM/SIGINT')
    .action(
      rt.action(async (ctx) => {
        const { parseApiEnv, runApi } = await import('@reply-sync/api');
        const env = ctx.env();
        const running = await runApi(parseApiEnv(env.source), env.usingStack ? { oauthProviderOptions: stackMailHosts(env.source) } : {});
        ctx.io.stderr.write(`reply-sync API listening on ${running.url} (reference: ${running.url}/docs, document: ${running.url}/openapi.json)\n`);
        await running.stopped;
      }),
    );

  program
    .command('tracker')
    .description('serve the open pixel and click redirect as their own lean process (TRACKER_HOST:TRACKER_PORT, default 127.0.0.1:8788; point TRACKER_URL at it) until SIGTERM/SIGINT')
    .action(
      rt.action(async (ctx) => {
        const { parseTrackerEnv, runTracker } = await import('@reply-sync/api');
        const running = await runTracker(parseTrackerEnv(ctx.env().source));
        ctx.io.stderr.write(`reply-sync tracker listening on ${running.url} (/t/o/<token>.gif, /t/c/<token>)\n`);
        await running.stopped;
      }),
    );

  program
    .command('webhooks')
    .description('run a webhook worker (relays the outbox to the queue, delivers signed webhooks) until SIGTERM/SIGINT')
    .action(
      rt.action(async (ctx) => {
        const { parseWebhookWorkerEnv, runWebhookWorker } = await import('@reply-sync/webhook-worker');
        await runWebhookWorker(parseWebhookWorkerEnv(ctx.env().source));
      }),
    );

  program
    .command('inbound')
    .description('run the SMTP server of the logging addresses (INBOUND_DOMAIN on INBOUND_SMTP_HOST:INBOUND_SMTP_PORT, default 127.0.0.1:52525) and process what it receives, until SIGTERM/SIGINT')
    .action(
      rt.action(async (ctx) => {
        const { parseInboundEnv, runInbound } = await import('@reply-sync/inbound');
        await runInbound(parseInboundEnv(ctx.env().source));
      }),
    );
}
