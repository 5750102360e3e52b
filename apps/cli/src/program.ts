// The `reply-sync` command tree. One file per command group under commands/; each registers itself.
import { Command } from 'commander';
import { registerApiKeyCommands } from './commands/api-key';
import { registerAppCommands } from './commands/apps';
import { registerConsoleUserCommands } from './commands/console-user';
import { registerContactCommands } from './commands/contact';
import { registerCredentialsCommands } from './commands/credentials';
import { registerDemoCommand } from './commands/demo';
import { registerEmailCommands } from './commands/email';
import { registerEmailSendCommand } from './commands/email-send';
import { registerInboxCommands } from './commands/inbox';
import { registerInboundAddressCommands } from './commands/inbound-address';
import { registerSetupCommands } from './commands/setup';
import { registerTimelineCommands } from './commands/timeline';
import { registerTrackingCommands } from './commands/tracking';
import { registerWebhookCommands } from './commands/webhook';
import type { CliRuntime } from './runtime';

export function createProgram(rt: CliRuntime): Command {
  const program = new Command('reply-sync')
    .description("Operator CLI for reply-sync: connects inboxes and logs contacts' replies on the CRM timeline.")
    .option('--json', 'machine-readable output (JSON on stdout; errors as JSON on stderr)')
    .option('--stack', 'take unset variables from the local stack (.stack/env, written by `npm run stack -- start`)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => rt.io.stdout.write(text),
      writeErr: (text) => rt.io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addHelpText(
    'after',
    `
Environment: DATABASE_URL, REPLY_SYNC_ENCRYPTION_KEYS (inbox connect/reconnect, credentials, worker), REDIS_URL and
REPLY_SYNC_QUEUE (scheduler, worker), REPLY_SYNC_SEND_QUEUE (email send), REPLY_SYNC_TLS_CA_FILE (extra trusted CA for IMAP), REPLY_SYNC_ACCOUNT
(default for --account), GOOGLE_CLIENT_ID/_SECRET/_TOKEN_URL/_AUTH_URL and MICROSOFT_CLIENT_ID/_SECRET/_AUTHORITY
(inbox connect --provider, worker), METRICS_PORT and METRICS_HOST (worker; METRICS_PORT=0: no HTTP server).
Nothing defaults to the local stack unless --stack is given: scheduler and worker stop at start without
DATABASE_URL and REDIS_URL.`,
  );

  registerSetupCommands(program, rt);
  registerContactCommands(program, rt);
  registerInboxCommands(program, rt);
  registerCredentialsCommands(program, rt);
  registerEmailCommands(program, rt);
  registerEmailSendCommand(program, rt);
  registerTimelineCommands(program, rt);
  registerTrackingCommands(program, rt);
  registerApiKeyCommands(program, rt);
  registerConsoleUserCommands(program, rt);
  registerWebhookCommands(program, rt);
  registerInboundAddressCommands(program, rt);
  registerAppCommands(program, rt);
  registerDemoCommand(program, rt);
  return program;
}
