// `email send`: the command and its options; what it does is email-send-action.ts, imported when it runs
// (it needs the database, the send queue and the worker's failure codes).
import type { Command } from 'commander';
import { collect } from '../format';
import { DEFAULT_WAIT_SECONDS, MAX_ATTACHMENT_MB } from '../option-values';
import type { CliRuntime } from '../runtime';
import { withAccount } from './options';

/** Registers `email send` under the `email` command group (made here when it does not exist yet). */
export function registerEmailSendCommand(program: Command, rt: CliRuntime): void {
  const email = program.commands.find((c) => c.name() === 'email') ?? program.command('email').description('emails the CRM sent or logged');
  withAccount(
    email
      .command('send')
      .description("send an email from a connected inbox (over its SMTP server); it is logged and filed in the inbox's Sent folder")
      .requiredOption('--inbox <id>', 'the inbox to send from')
      .requiredOption('--to <address>', 'recipient (repeatable)', collect)
      .option('--cc <address>', 'copy recipient (repeatable)', collect)
      .requiredOption('--subject <subject>', 'the subject')
      .option('--text <text>', 'the plain-text body')
      .option('--text-file <path>', 'read the plain-text body from a file')
      .option('--html-file <path>', 'read an HTML body from a file')
      .option('--attach <path>', `attach a file, read on this machine (repeatable; ${MAX_ATTACHMENT_MB} MB in all)`, collect)
      .option('--contact <email>', 'associate this contact (repeatable)', collect)
      .option('--company <name>', 'associate this company (repeatable)', collect)
      .option('--deal <name>', 'associate this deal (repeatable)', collect)
      .option('--track', 'track opens and, where the account allows it for the sender, clicks (who is tracked follows GDPR, never-log and do-not-track; the outcome says)')
      .option('--key <key>', 'idempotency key: the same key sends once; again, it says what became of that email (default: a new random key)')
      .option('--wait', 'wait for the send to finish and print the logged email and its Message-ID')
      .option('--timeout <seconds>', `with --wait: how long to wait (default ${DEFAULT_WAIT_SECONDS})`),
  ).action(rt.action(async (ctx) => (await import('./email-send-action')).sendAction(ctx)));
}
