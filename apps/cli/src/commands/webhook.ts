// `webhook add|list|remove|enable|attempts`: an account's webhook subscriptions and what was delivered.
// The same functions serve the HTTP API (packages/webhooks).
import type { Command } from 'commander';
import { formatDate } from '../format';
import type { CliRuntime } from '../runtime';
import { withAccount } from './options';

export function registerWebhookCommands(program: Command, rt: CliRuntime): void {
  const webhook = program.command('webhook').description('webhook subscriptions: signed POSTs to the CRM when emails are logged or sent and inboxes change');
  withAccount(
    webhook
      .command('add')
      .description('subscribe a URL to event types; prints the signing secret once')
      .requiredOption('--url <url>', 'where to POST (http or https; loopback and private addresses only with WEBHOOKS_ALLOW_PRIVATE=true)')
      .requiredOption('--events <types>', 'comma-separated: email.logged, email.sent, email.send_failed, inbox.connected, inbox.disconnected, inbox.reconnected, or all'),
  ).action(
    rt.action(async (ctx) => {
      const { addWebhook } = await import('@reply-sync/webhooks');
      const added = await addWebhook(await ctx.scope(), ctx.env().encryptionKeys(), { url: String(ctx.opts.url), events: [String(ctx.opts.events)] }, {
        allowPrivate: ctx.env().allowPrivateWebhooks(),
      });
      ctx.print(added, () =>
        [
          `Added webhook ${added.endpoint.id} → ${added.endpoint.url}`,
          `  events: ${added.endpoint.eventTypes.join(', ')}`,
          `  secret: ${added.secret}`,
          'The secret is shown this once: receivers verify the webhook-signature header with it (Standard Webhooks).',
        ].join('\n'),
      );
    }),
  );
  withAccount(webhook.command('list').description('list the subscriptions, with why one was disabled')).action(
    rt.action(async (ctx) => {
      const { listWebhooks } = await import('@reply-sync/webhooks');
      const rows = await listWebhooks(await ctx.scope());
      ctx.print(rows, () =>
        rows.length === 0
          ? 'No webhooks. Add one with `reply-sync webhook add --url URL --events all`.'
          : rows
              .map((w) => {
                const state = w.enabled ? (w.failingSince ? `enabled, failing since ${formatDate(w.failingSince)}` : 'enabled') : `disabled: ${w.disabledReason}`;
                return `${w.id}  ${w.url}\n  events: ${w.eventTypes.join(', ')}\n  ${state}`;
              })
              .join('\n'),
      );
    }),
  );
  withAccount(webhook.command('remove').description('delete a subscription with its delivery history').argument('<id>')).action(
    rt.action(async (ctx) => {
      const { removeWebhook } = await import('@reply-sync/webhooks');
      const id = String(ctx.args[0]);
      await removeWebhook(await ctx.scope(), id);
      ctx.print({ removed: id }, () => `Removed webhook ${id}.`);
    }),
  );
  withAccount(webhook.command('enable').description('enable a disabled subscription again (after its receiver was fixed)').argument('<id>')).action(
    rt.action(async (ctx) => {
      const { enableWebhook } = await import('@reply-sync/webhooks');
      const row = await enableWebhook(await ctx.scope(), String(ctx.args[0]));
      ctx.print(row, () => `Enabled webhook ${row.id}; events from now on are delivered to ${row.url}.`);
    }),
  );
  withAccount(
    webhook
      .command('attempts')
      .description('delivery attempts, newest first')
      .option('--webhook <id>', 'only this subscription')
      .option('--event <id>', 'only this event (evt_…)')
      .option('--limit <n>', 'at most this many (1-200)', '50'),
  ).action(
    rt.action(async (ctx) => {
      const { listWebhookAttempts } = await import('@reply-sync/webhooks');
      const o = ctx.opts;
      const rows = await listWebhookAttempts(await ctx.scope(), {
        ...(o.webhook ? { endpointId: String(o.webhook) } : {}),
        ...(o.event ? { eventId: String(o.event) } : {}),
        limit: Number(o.limit),
      });
      ctx.print(rows, () =>
        rows.length === 0
          ? 'No delivery attempts.'
          : rows
              .map((a) => {
                const outcome = a.status === 'succeeded' ? `delivered (${a.responseStatus})` : `failed: ${a.errorCode}: ${a.error}`;
                const next = a.nextAttemptAt ? `; next attempt ${formatDate(a.nextAttemptAt)}` : '';
                return `${formatDate(a.at)}  ${a.eventId} ${a.eventType} → ${a.endpointId} #${a.attempt} ${a.durationMs} ms  ${outcome}${next}`;
              })
              .join('\n'),
      );
    }),
  );
}
