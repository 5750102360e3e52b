// `email log` (register an email the CRM sent or logged). `email send` is in email-send.ts, registered after it.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { CliError } from '../cli-error';
import { LOG_SOURCES, type LogSource } from '../option-values';
import type { CliRuntime } from '../runtime';
import { collect } from '../format';
import { withAccount } from './options';

export function registerEmailCommands(program: Command, rt: CliRuntime): void {
  const email = program.command('email').description('emails the CRM sent or logged');
  withAccount(
    email
      .command('log')
      .description("register an email the CRM sent or logged (a raw .eml), so replies to it are matched")
      .requiredOption('--file <path>', 'the raw message (.eml)')
      .requiredOption('--user <email>', 'the user who sent it (the thread owner)')
      .option('--inbox <id>', "the inbox it was sent from (default: the user's only personal inbox)")
      .option('--deal <name>', 'also associate this deal (repeatable)', collect)
      .option('--company <name>', 'also associate this company (repeatable)', collect)
      .option('--contact <email>', 'also associate this contact (repeatable)', collect)
      .option('--only', "associate exactly the --contact, --deal and --company given, not the default (the recipients' contacts, made when missing, their companies and each one's first three open deals)")
      .addOption(new Option('--source <source>', 'how the CRM got it').choices(LOG_SOURCES as string[]).default('log')),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const file = String(o.file);
      const raw = await readFile(file).catch((error: unknown) => {
        throw new CliError('file_unreadable', `Cannot read ${file} (${error instanceof Error ? error.message : String(error)}).`);
      });
      const { logEmail } = await import('@reply-sync/operations/log-email');
      const r = await logEmail(await ctx.scope(), {
        raw,
        userEmail: String(o.user),
        inboxId: o.inbox as string | undefined,
        deals: o.deal as string[] | undefined,
        companies: o.company as string[] | undefined,
        contacts: o.contact as string[] | undefined,
        only: o.only === true,
        source: o.source as LogSource,
      });
      ctx.print(r, () => {
        const a = r.associations;
        const list = (items: string[]) => (items.length ? items.join(', ') : 'none');
        return [
          `${r.inserted ? 'Logged' : 'Already logged'} ${r.messageId} "${r.subject}" (email ${r.emailId}, thread ${r.threadId}).`,
          `  thread owner: ${r.threadOwner.email}${r.inbox ? `, inbox ${r.inbox.address}` : ''}`,
          `  to: ${list([...r.to, ...r.cc].map((x) => x.address))}`,
          `  contacts: ${list(a.contacts.map((c) => c.email))}; companies: ${list(a.companies.map((c) => c.name))}; deals: ${list(a.deals.map((d) => d.name))}`,
        ].join('\n');
      });
    }),
  );
}
