// `inbox connect|reconnect|set|remove` (`inbox list|show` are in inbox-status.ts): password (IMAP) inboxes, and Gmail / Office 365 inboxes
// through the provider's sign-in (--provider; the code is pasted back or named with --code-env). Each
// action imports its op when it runs: listing inboxes loads no mail code, a password inbox no OAuth client.
import { Option, type Command } from 'commander';
import type { OAuthProviderName, TlsMode } from '@reply-sync/mail';
import { CliError } from '../cli-error';
import { DEFAULT_REDIRECT_URI, OAUTH_PROVIDERS, TLS_MODES } from '../option-values';
import type { ConnectedInbox } from '@reply-sync/operations/inboxes';
import { checkCodeOptions, readCode } from '../read-code';
import { readPassword } from '../read-password';
import type { CliRuntime, CommandContext } from '../runtime';
import { collect, parsePort } from '../format';
import { describeTrust, registerInboxStatusCommands } from './inbox-status';
import { withAccount, withPassword } from './options';

const TRUSTED_AUTHSERV_ID_HELP =
  "sender verification: the authserv-id of the inbox's own mail server, whose topmost Authentication-Results header counts (repeatable; default by provider: gmail mx.google.com, office365 @none = Microsoft's header without one, imap none)";
const ALLOW_PLAINTEXT_HELP =
  'allow TLS mode none with a server that is not on this machine (the password crosses the network unencrypted; only for a trusted network). Loopback servers need no flag';

function tlsOption(flag: string, description: string): Option {
  return new Option(flag, description).choices(TLS_MODES as string[]);
}

function mailDeps(ctx: CommandContext) {
  return { keys: ctx.env().encryptionKeys(), tlsCa: ctx.env().tlsCa() };
}

function describeConnected(verb: string, r: ConnectedInbox): string {
  const i = r.inbox;
  const oauth = i.authKind === 'oauth2';
  return [
    `${verb} ${i.address} (${i.id}): logged in to ${i.imapHost}:${i.imapPort} (${i.imapTls}) as ${i.username}${oauth ? ` with ${i.provider} OAuth (XOAUTH2)` : ''}.`,
    `  IDLE: ${r.hasIdle ? 'yes' : 'no (the worker polls)'}; Sent mailbox: ${r.sentMailbox ?? 'none found'}`,
    `  The ${oauth ? 'refresh token is' : 'password is'} stored encrypted; the scheduler starts syncing the INBOX within seconds.`,
  ].join('\n');
}

function withOAuthCode(command: Command): Command {
  return command
    .option('--redirect-uri <uri>', `OAuth: where the provider sends the browser after sign-in (registered with the app; default ${DEFAULT_REDIRECT_URI})`)
    .option('--code-env <name>', 'OAuth: read the authorization code from this environment variable instead of stdin')
    .addOption(new Option('--code <value>').hideHelp());
}

/** Options that mean nothing for an OAuth sign-in; given anyway, they are refused rather than ignored. */
const PASSWORD_ONLY = [
  ['host', '--host'],
  ['port', '--port'],
  ['tls', '--tls'],
  ['username', '--username'],
  ['smtpHost', '--smtp-host'],
  ['smtpPort', '--smtp-port'],
  ['smtpTls', '--smtp-tls'],
  ['passwordStdin', '--password-stdin'],
  ['passwordEnv', '--password-env'],
  ['password', '--password'],
  ['allowPlaintext', '--allow-plaintext'],
] as const;

function refusePasswordOptions(o: Record<string, unknown>, what: string): void {
  const given = PASSWORD_ONLY.filter(([key]) => o[key] !== undefined).map(([, flag]) => flag);
  if (given.length > 0) {
    throw new CliError('oauth_options_conflict', `${what} signs in on the provider's own page, with no password, and its servers come from the provider configuration; drop ${given.join(', ')}.`);
  }
}

/** Prints the sign-in URL on stderr (stdout keeps the result) and reads the code back. */
function askForCode(ctx: CommandContext) {
  return async (url: string): Promise<string> => {
    const codeEnv = ctx.opts.codeEnv as string | undefined;
    if (ctx.json) {
      ctx.io.stderr.write(`${JSON.stringify({ authorizationUrl: url, ...(codeEnv ? { codeFrom: codeEnv } : {}) })}\n`);
    } else {
      ctx.io.stderr.write(
        `Open this address, sign in and allow access (offline, IMAP and SMTP only):\n  ${url}\n` +
          (codeEnv ? `Using the code from $${codeEnv}.\n` : 'Then paste the code, or the whole address the browser ended on, and press Enter:\n'),
      );
    }
    return readCode(ctx.opts, ctx.io);
  };
}

const REQUIRED_FOR_PASSWORD = [
  ['address', '--address'],
  ['host', '--host'],
  ['port', '--port'],
  ['tls', '--tls'],
  ['username', '--username'],
] as const;

export function registerInboxCommands(program: Command, rt: CliRuntime): void {
  const inbox = program.command('inbox').description('connected mailboxes');

  withAccount(
    withOAuthCode(
      withPassword(
        inbox
          .command('connect')
          .description(
            'connect a mailbox: an IMAP one after logging in with its password (stdin or an env var), or Gmail / Office 365 through their sign-in (--provider)',
          )
          .addOption(new Option('--provider <name>', 'sign in to gmail or office365 with OAuth instead of a password').choices(OAUTH_PROVIDERS as string[]))
          .option('--user <email>', 'the user whose personal inbox this is')
          .option('--team', 'a team inbox (no owner)')
          .option('--address <address>', "the inbox's email address (with --provider: default the account that signs in)")
          .option('--alias <address>', 'another address delivered to this inbox (repeatable)', collect)
          .option('--host <host>', 'IMAP host')
          .option('--port <port>', 'IMAP port (993 with tls, 143 with starttls)', parsePort)
          .addOption(tlsOption('--tls <mode>', 'how the connection is secured'))
          .option('--username <username>', 'IMAP login name')
          .option('--smtp-host <host>', 'SMTP host, for sending from the CRM')
          .option('--smtp-port <port>', 'SMTP port', parsePort)
          .addOption(tlsOption('--smtp-tls <mode>', 'SMTP TLS mode'))
          .option('--trusted-authserv-id <id>', TRUSTED_AUTHSERV_ID_HELP, collect)
          .option('--allow-plaintext', ALLOW_PLAINTEXT_HELP),
      ),
    ),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const { parseAuthservIds } = await import('../ops/sender-verification');
      const trustedAuthservIds = parseAuthservIds(o.trustedAuthservId as string[] | undefined);
      if (o.provider) {
        const name = o.provider as OAuthProviderName;
        refusePasswordOptions(o, `--provider ${name}`);
        checkCodeOptions(o);
        const { connectOAuthInbox, requireProvider } = await import('../ops/oauth-inboxes');
        const provider = requireProvider(await ctx.env().oauthProviders(), name);
        const result = await connectOAuthInbox(
          await ctx.scope(),
          {
            userEmail: o.user as string | undefined,
            team: o.team === true,
            address: o.address as string | undefined,
            aliases: o.alias as string[] | undefined,
            redirectUri: o.redirectUri as string | undefined,
            trustedAuthservIds,
          },
          { ...mailDeps(ctx), provider, askForCode: askForCode(ctx) },
        );
        ctx.print(result, () => describeConnected('Connected', result));
        return;
      }
      const missing = REQUIRED_FOR_PASSWORD.filter(([key]) => o[key] === undefined).map(([, flag]) => flag);
      if (missing.length > 0) {
        throw new CliError('imap_settings_missing', `A password (IMAP) inbox needs ${missing.join(', ')}; for Gmail or Office 365 pass --provider gmail|office365 to sign in instead.`);
      }
      const { checkImapSettings, connectInbox } = await import('@reply-sync/operations/inboxes');
      const allowPlaintext = o.allowPlaintext === true;
      const imap = { host: String(o.host), port: o.port as number, tls: o.tls as TlsMode, allowPlaintext };
      const smtp = o.smtpHost ? { host: String(o.smtpHost), port: (o.smtpPort as number | undefined) ?? 587, tls: (o.smtpTls as TlsMode | undefined) ?? 'starttls' } : undefined;
      // POP3, and plaintext to a remote server without --allow-plaintext, are refused before the password is even read.
      checkImapSettings(imap, smtp && { ...smtp, allowPlaintext });
      const password = await readPassword(o, ctx.io);
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
          trustedAuthservIds,
        },
        mailDeps(ctx),
      );
      ctx.print(result, () => describeConnected('Connected', result));
    }),
  );

  registerInboxStatusCommands(inbox, rt);

  withAccount(
    withOAuthCode(
      withPassword(
        inbox
          .command('reconnect')
          .description(
            'password inbox: log in again with a new password (and optionally new settings); OAuth inbox: sign in again. Either way the disconnect state is cleared',
          )
          .argument('<inbox-id>')
          .option('--host <host>', 'new IMAP host')
          .option('--port <port>', 'new IMAP port', parsePort)
          .addOption(tlsOption('--tls <mode>', 'new TLS mode'))
          .option('--username <username>', 'new IMAP login name')
          .option('--allow-plaintext', ALLOW_PLAINTEXT_HELP),
      ),
    ),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const s = await ctx.scope();
      const inboxId = String(ctx.args[0]);
      const { inboxToReconnect, reconnectOAuthInbox } = await import('../ops/oauth-inboxes');
      const current = await inboxToReconnect(s, inboxId);
      if (current.authKind === 'oauth2') {
        refusePasswordOptions(o, `Inbox ${current.address} (${current.provider} OAuth)`);
        checkCodeOptions(o);
        const result = await reconnectOAuthInbox(
          s,
          { inboxId, redirectUri: o.redirectUri as string | undefined },
          { ...mailDeps(ctx), providers: await ctx.env().oauthProviders(), askForCode: askForCode(ctx) },
        );
        ctx.print(result, () => describeConnected('Reconnected', result));
        return;
      }
      const password = await readPassword(o, ctx.io);
      const imap = {
        ...(o.host ? { host: String(o.host) } : {}),
        ...(o.port ? { port: o.port as number } : {}),
        ...(o.tls ? { tls: o.tls as TlsMode } : {}),
        ...(o.allowPlaintext === true ? { allowPlaintext: true } : {}),
      };
      const { reconnectInbox } = await import('@reply-sync/operations/inboxes');
      const result = await reconnectInbox(s, { inboxId, password, imap, username: o.username as string | undefined }, mailDeps(ctx));
      ctx.print(result, () => describeConnected('Reconnected', result));
    }),
  );

  withAccount(
    inbox
      .command('set')
      .description("change an inbox's settings: which mail server's Authentication-Results count for sender verification")
      .argument('<inbox-id>')
      .option('--trusted-authserv-id <id>', TRUSTED_AUTHSERV_ID_HELP, collect)
      .option('--default-trusted-authserv-ids', "go back to the provider's default (gmail: mx.google.com; office365: Microsoft's header; imap: none)"),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const { parseAuthservIds, setInboxTrustedAuthservIds } = await import('../ops/sender-verification');
      const ids = parseAuthservIds(o.trustedAuthservId as string[] | undefined);
      if ((ids === undefined) === (o.defaultTrustedAuthservIds !== true)) {
        throw new CliError('inbox_set_options', 'Give --trusted-authserv-id ID (repeatable), or --default-trusted-authserv-ids to use the provider\'s default (not both).');
      }
      const r = await setInboxTrustedAuthservIds(await ctx.scope(), String(ctx.args[0]), ids ?? null);
      ctx.print(r, () => `${r.address} (${r.id}): sender verification now trusts ${describeTrust(r)}; the worker uses it from the inbox's next session (within SESSION_MAX_MS).`);
    }),
  );

  withAccount(
    inbox
      .command('logging')
      .description("mark an inbox as the account's catch-all logging mailbox: every new message in its folders is logged as if sent to the BCC or forwarding address")
      .argument('<inbox-id>')
      .option('--folders <list>', 'the folders to read, comma-separated (default INBOX), e.g. INBOX,Archive', collect)
      .option('--off', 'stop using the inbox as the logging mailbox'),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const { parseLoggingFolders, setLoggingInbox } = await import('@reply-sync/operations/logging-inbox');
      if (o.off === true && o.folders !== undefined) throw new CliError('inbox_logging_options', 'Give --folders to mark the logging inbox, or --off to unmark it (not both).');
      const folders = o.off === true ? null : parseLoggingFolders((o.folders as string[] | undefined) ?? ['INBOX']);
      const r = await setLoggingInbox(await ctx.scope(), String(ctx.args[0]), folders);
      ctx.print(r, () =>
        r.logging
          ? `${r.address} (${r.id}) is now the logging mailbox: the worker reads ${r.folders.join(', ')} from its next session (within seconds), logging new messages only; messages whose To/Cc do not name ${r.address} count as Bcc'd to it.`
          : `${r.address} (${r.id}) is no longer the logging mailbox; the worker syncs its INBOX replies again.`,
      );
    }),
  );

  withAccount(inbox.command('remove').description('stop syncing an inbox and delete its credentials (logged emails stay)').argument('<inbox-id>')).action(
    rt.action(async (ctx) => {
      const { removeInbox } = await import('@reply-sync/operations/inboxes');
      const row = await removeInbox(await ctx.scope(), String(ctx.args[0]));
      const { credentials: _none, ...shown } = row as typeof row & { credentials?: unknown };
      ctx.print(shown, () => `Removed ${row.address} (${row.id}); its credentials were deleted and its logged emails stay on the timeline.`);
    }),
  );
}
