// `inbox connect|list|reconnect|remove`: password (IMAP) inboxes. OAuth connect and `inbox show`
// (issue 4) belong in this group too.
import { Option, type Command } from 'commander';
import type { TlsMode } from '@reply-sync/mail';
import { checkImapSettings, connectInbox, listInboxes, reconnectInbox, removeInbox, showInbox, TLS_MODES, type ConnectedInbox, type InboxDetail, type InboxListEntry } from '../ops/inboxes';
import { readPassword } from '../read-password';
import type { CliRuntime, CommandContext } from '../runtime';
import { collect, formatDate, parsePort } from '../format';
import { withAccount, withPassword } from './options';

function tlsOption(flag: string, description: string): Option {
  return new Option(flag, description).choices(TLS_MODES as string[]);
}

function mailDeps(ctx: CommandContext) {
  return { keys: ctx.env().encryptionKeys(), tlsCa: ctx.env().tlsCa() };
}

function describeConnected(verb: string, r: ConnectedInbox): string {
  const i = r.inbox;
  return [
    `${verb} ${i.address} (${i.id}): logged in to ${i.imapHost}:${i.imapPort} (${i.imapTls}) as ${i.username}.`,
    `  IDLE: ${r.hasIdle ? 'yes' : 'no (the worker polls)'}; Sent mailbox: ${r.sentMailbox ?? 'none found'}`,
    `  The password is stored encrypted; the scheduler starts syncing the INBOX within seconds.`,
  ].join('\n');
}

export function describeInbox(i: InboxListEntry): string {
  const owner = i.kind === 'team' ? 'team inbox' : `personal, ${i.ownerEmail ?? 'owner unknown'}`;
  const lines = [`${i.address}  ${i.id}`, `  ${owner}; ${i.imap.host}:${i.imap.port} (${i.imap.tls}) as ${i.imap.username}`];
  if (i.aliases.length > 0) lines.push(`  aliases: ${i.aliases.join(', ')}`);
  lines.push(`  status: ${i.status}${i.reason ? ` (${i.reason})` : ''} since ${formatDate(i.statusSince)}`);
  if (i.reasonSentence) lines.push(`  why: ${i.reasonSentence}`);
  if (i.reasonDetail) lines.push(`  server said: ${i.reasonDetail}`);
  if (i.lastError) lines.push(`  last error: ${i.lastError} (${formatDate(i.lastErrorAt)})`);
  return lines.join('\n');
}

export function describeInboxDetail(d: InboxDetail): string {
  const lines = [describeInbox(d), `  provider: ${d.provider} (${d.authKind === 'oauth2' ? 'OAuth' : 'password'})`];
  if (d.smtp) lines.push(`  SMTP: ${d.smtp.host}:${d.smtp.port ?? '?'} (${d.smtp.tls ?? '?'})`);
  lines.push('  history (newest first):');
  if (d.history.length === 0) lines.push('    (no status changes recorded)');
  for (const h of d.history) {
    lines.push(`    ${formatDate(h.at)}  ${h.status}${h.reason ? ` (${h.reason})` : ''}`);
    if (h.reasonSentence) lines.push(`      ${h.reasonSentence}`);
    if (h.detail) lines.push(`      provider said: ${h.detail}`);
  }
  return lines.join('\n');
}

export function registerInboxCommands(program: Command, rt: CliRuntime): void {
  const inbox = program.command('inbox').description('connected mailboxes');

  withAccount(
    withPassword(
      inbox
        .command('connect')
        .description('log in to an IMAP mailbox and, if that works, connect it (password from stdin or an env var)')
        .option('--user <email>', 'the user whose personal inbox this is')
        .option('--team', 'a team inbox (no owner)')
        .requiredOption('--address <address>', "the inbox's email address")
        .option('--alias <address>', 'another address delivered to this inbox (repeatable)', collect)
        .requiredOption('--host <host>', 'IMAP host')
        .requiredOption('--port <port>', 'IMAP port (993 with tls, 143 with starttls)', parsePort)
        .addOption(tlsOption('--tls <mode>', 'how the connection is secured').makeOptionMandatory())
        .requiredOption('--username <username>', 'IMAP login name')
        .option('--smtp-host <host>', 'SMTP host, for sending from the CRM')
        .option('--smtp-port <port>', 'SMTP port', parsePort)
        .addOption(tlsOption('--smtp-tls <mode>', 'SMTP TLS mode')),
    ),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const imap = { host: String(o.host), port: o.port as number, tls: o.tls as TlsMode };
      checkImapSettings(imap); // POP3 settings are refused before the password is even read
      const password = await readPassword(o, ctx.io);
      const smtp = o.smtpHost ? { host: String(o.smtpHost), port: (o.smtpPort as number | undefined) ?? 587, tls: (o.smtpTls as TlsMode | undefined) ?? 'starttls' } : undefined;
      const result = await connectInbox(
        await ctx.scope(),
        {
          userEmail: o.user as string | undefined,
          team: o.team === true,
          address: String(o.address),
          aliases: o.alias as string[] | undefined,
          imap,
          smtp,
          username: String(o.username),
          password,
        },
        mailDeps(ctx),
      );
      ctx.print(result, () => describeConnected('Connected', result));
    }),
  );

  withAccount(inbox.command('list').description("the account's inboxes: status, reason and its sentence, since when, last error").option('--all', 'include removed inboxes')).action(
    rt.action(async (ctx) => {
      const rows = await listInboxes(await ctx.scope(), { includeRemoved: ctx.opts.all === true });
      ctx.print(rows, () => (rows.length === 0 ? 'No inboxes connected.' : rows.map(describeInbox).join('\n\n')));
    }),
  );

  withAccount(inbox.command('show').description('one inbox for support: status, reason code and sentence, the provider\'s text, since when, last error, status history').argument('<inbox-id>')).action(
    rt.action(async (ctx) => {
      const d = await showInbox(await ctx.scope(), String(ctx.args[0]));
      ctx.print(d, () => describeInboxDetail(d));
    }),
  );

  withAccount(
    withPassword(
      inbox
        .command('reconnect')
        .description('log in again with a new password (and optionally new settings), then clear the disconnect state')
        .argument('<inbox-id>')
        .option('--host <host>', 'new IMAP host')
        .option('--port <port>', 'new IMAP port', parsePort)
        .addOption(tlsOption('--tls <mode>', 'new TLS mode'))
        .option('--username <username>', 'new IMAP login name'),
    ),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const password = await readPassword(o, ctx.io);
      const imap = {
        ...(o.host ? { host: String(o.host) } : {}),
        ...(o.port ? { port: o.port as number } : {}),
        ...(o.tls ? { tls: o.tls as TlsMode } : {}),
      };
      const result = await reconnectInbox(
        await ctx.scope(),
        { inboxId: String(ctx.args[0]), password, imap, username: o.username as string | undefined },
        mailDeps(ctx),
      );
      ctx.print(result, () => describeConnected('Reconnected', result));
    }),
  );

  withAccount(inbox.command('remove').description('stop syncing an inbox and delete its credentials (logged emails stay)').argument('<inbox-id>')).action(
    rt.action(async (ctx) => {
      const row = await removeInbox(await ctx.scope(), String(ctx.args[0]));
      const { credentials: _none, ...shown } = row as typeof row & { credentials?: unknown };
      ctx.print(shown, () => `Removed ${row.address} (${row.id}); its credentials were deleted and its logged emails stay on the timeline.`);
    }),
  );
}
