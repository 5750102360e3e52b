// `contact add` and `never-log add|list|remove`.
import type { Command } from 'commander';
import type { CliRuntime } from '../runtime';
import { collect } from '../format';
import { withAccount } from './options';

export function registerContactCommands(program: Command, rt: CliRuntime): void {
  const contact = program.command('contact').description('contacts, with their company and deals');
  withAccount(
    contact
      .command('add')
      .description('add a contact (the company and deals are created when missing)')
      .requiredOption('--email <email>', "the contact's email address")
      .option('--name <name>', "the contact's name")
      .option('--owner <user-email>', 'the user who owns the contact')
      .option('--company <name>', 'company the contact works at')
      .option('--deal <name>', 'deal the contact is on (repeatable)', collect)
      .option('--legal-basis <basis>', 'legal basis for processing their data (e.g. legitimate_interest, consent)'),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const { addContact } = await import('@reply-sync/operations/contacts');
      const added = await addContact(await ctx.scope(), {
        email: String(o.email),
        name: o.name as string | undefined,
        ownerEmail: o.owner as string | undefined,
        company: o.company as string | undefined,
        deals: o.deal as string[] | undefined,
        legalBasis: o.legalBasis as string | undefined,
      });
      ctx.print(added, () => {
        const c = added.contact;
        const lines = [`Added contact ${c.name ? `${c.name} <${c.email}>` : c.email} (${c.id}).`];
        if (added.company) lines.push(`  company: ${added.company.name}`);
        for (const d of added.deals) lines.push(`  deal:    ${d.name} (${d.status})`);
        return lines.join('\n');
      });
    }),
  );

  const neverLog = program.command('never-log').description("addresses and domains whose mail is never logged");
  withAccount(neverLog.command('add').description('add an address, or a domain as @example.com / example.com').argument('<value>')).action(
    rt.action(async (ctx) => {
      const { addNeverLog } = await import('@reply-sync/operations/contacts');
      const row = await addNeverLog(await ctx.scope(), String(ctx.args[0]));
      ctx.print(row, () => `Never logging ${row.kind} ${row.value}.`);
    }),
  );
  withAccount(neverLog.command('list').description('list the never-log entries')).action(
    rt.action(async (ctx) => {
      const { listNeverLog } = await import('@reply-sync/operations/contacts');
      const rows = await listNeverLog(await ctx.scope());
      ctx.print(rows, () => (rows.length === 0 ? 'The never-log list is empty.' : rows.map((r) => `${r.kind.padEnd(8)} ${r.value}`).join('\n')));
    }),
  );
  withAccount(neverLog.command('remove').description('remove an address or domain').argument('<value>')).action(
    rt.action(async (ctx) => {
      const { removeNeverLog } = await import('@reply-sync/operations/contacts');
      const result = await removeNeverLog(await ctx.scope(), String(ctx.args[0]));
      ctx.print(result, () => `Removed ${result.value} from the never-log list.`);
    }),
  );
}
