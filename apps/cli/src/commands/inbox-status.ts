// `inbox list|show`: what support reads about an inbox. The current error is only a run of errors
// still going on; a run that ended by itself is shown as a recovery, in the history.
import type { Command } from 'commander';
import type { InboxDetail, InboxListEntry, InboxTrust } from '@reply-sync/operations/inbox-status';
import type { CliRuntime } from '../runtime';
import { formatDate } from '../format';
import { withAccount } from './options';

/** `E (errors from F to L)`, with what is known of the run's span. */
function describeRun(error: string | null, firstErrorAt: Date | null, lastErrorAt: Date | null): string {
  const span = firstErrorAt && lastErrorAt ? `errors from ${formatDate(firstErrorAt)} to ${formatDate(lastErrorAt)}` : lastErrorAt ? `at ${formatDate(lastErrorAt)}` : null;
  return `${error ?? '(no error text)'}${span ? ` (${span})` : ''}`;
}

export function describeInbox(i: InboxListEntry): string {
  const owner = i.kind === 'team' ? 'team inbox' : `personal, ${i.ownerEmail ?? 'owner unknown'}`;
  const plaintext = i.allowPlaintext ? ', plaintext allowed (--allow-plaintext)' : '';
  const lines = [`${i.address}  ${i.id}`, `  ${owner}; ${i.imap.host}:${i.imap.port} (${i.imap.tls}${plaintext}) as ${i.imap.username}`];
  if (i.aliases.length > 0) lines.push(`  aliases: ${i.aliases.join(', ')}`);
  lines.push(`  status: ${i.status}${i.reason ? ` (${i.reason})` : ''} since ${formatDate(i.statusSince)}`);
  if (i.reasonSentence) lines.push(`  why: ${i.reasonSentence}`);
  if (i.reasonDetail) lines.push(`  server said: ${i.reasonDetail}`);
  lines.push(`  last synced: ${i.lastSyncedAt ? formatDate(i.lastSyncedAt) : 'never'}`);
  if (i.lastError) {
    lines.push(`  last error: ${describeRun(i.lastError, i.firstErrorAt, i.lastErrorAt)}`);
  } else if (i.lastRecovery) {
    const r = i.lastRecovery;
    lines.push(`  recovered at ${formatDate(r.recoveredAt)} from: ${describeRun(r.error, r.firstErrorAt, r.lastErrorAt)}`);
  }
  return lines.join('\n');
}

export function describeInboxDetail(d: InboxDetail): string {
  const lines = [describeInbox(d), `  provider: ${d.provider} (${d.authKind === 'oauth2' ? 'OAuth' : 'password'})`];
  lines.push(`  sender verification trusts: ${describeTrust(d)}`);
  if (d.smtp) lines.push(`  SMTP: ${d.smtp.host}:${d.smtp.port ?? '?'} (${d.smtp.tls ?? '?'})`);
  lines.push(d.logging ? `  logging mailbox: yes, reading ${d.loggingFolders.join(', ')} (its replies are not synced)` : '  logging mailbox: no');
  lines.push('  history (newest first):');
  if (d.history.length === 0) lines.push('    (no status changes recorded)');
  for (const h of d.history) {
    lines.push(`    ${formatDate(h.at)}  ${h.status}${h.reason ? ` (${h.reason})` : ''}`);
    if (h.reasonSentence) lines.push(`      ${h.reasonSentence}`);
    if (h.firstErrorAt || h.lastErrorAt) lines.push(`      last error: ${describeRun(h.detail, h.firstErrorAt, h.lastErrorAt)}`);
    else if (h.detail) lines.push(`      provider said: ${h.detail}`);
  }
  return lines.join('\n');
}

export function describeTrust(t: InboxTrust & { provider: string }): string {
  const ids = t.trustedAuthservIds.length > 0 ? t.trustedAuthservIds.join(', ') : 'none (no reply counts as verified; set one with `reply-sync inbox set INBOX_ID --trusted-authserv-id ID`)';
  return `${ids}${t.trustedAuthservIdsFrom === 'provider' ? ` (${t.provider} default)` : ''}`;
}

export function registerInboxStatusCommands(inbox: Command, rt: CliRuntime): void {
  withAccount(
    inbox
      .command('list')
      .description("the account's inboxes: status, reason and its sentence, since when, last synced, a current error or the latest recovery")
      .option('--all', 'include removed inboxes'),
  ).action(
    rt.action(async (ctx) => {
      // The op is loaded when the command runs: the program's other commands stay cheap to start.
      const { listInboxes } = await import('@reply-sync/operations/inbox-status');
      const rows = await listInboxes(await ctx.scope(), { includeRemoved: ctx.opts.all === true });
      ctx.print(rows, () => (rows.length === 0 ? 'No inboxes connected.' : rows.map(describeInbox).join('\n\n')));
    }),
  );

  withAccount(
    inbox
      .command('show')
      .description("one inbox for support: status, reason code and sentence, the provider's text, since when, last synced, errors, status history")
      .argument('<inbox-id>'),
  ).action(
    rt.action(async (ctx) => {
      const { showInbox } = await import('@reply-sync/operations/inbox-status');
      const d = await showInbox(await ctx.scope(), String(ctx.args[0]));
      ctx.print(d, () => describeInboxDetail(d));
    }),
  );
}
