// `migrate`, `account create`, `user add`: what an operator runs once per database, account and person.
import { Option, type Command } from 'commander';
import { POLICIES, POLICY_SENTENCES } from '../option-values';
import type { CliRuntime } from '../runtime';
import { withAccount } from './options';

export function registerSetupCommands(program: Command, rt: CliRuntime): void {
  program
    .command('migrate')
    .description('apply the database migrations (safe to run from several places at once)')
    .action(
      rt.action(async (ctx) => {
        const { migrate } = await import('@reply-sync/db');
        await migrate(ctx.env().databaseUrl());
        ctx.print({ migrated: true }, () => 'Migrations applied.');
      }),
    );

  const account = program.command('account').description('accounts (tenants)');
  account
    .command('create')
    .description('create an account; prints its id')
    .argument('<name>', 'account name')
    .action(
      rt.action(async (ctx) => {
        const { createAccountOp } = await import('@reply-sync/operations/accounts');
        const row = await createAccountOp(ctx.db().db, String(ctx.args[0]));
        // Only the id on stdout, so `ACCOUNT=$(reply-sync account create X)` works.
        ctx.print(row, () => row.id);
      }),
    );

  withAccount(
    account
      .command('set')
      .description("change the account's settings: what happens to a reply whose sender is not verified")
      .addOption(
        new Option('--sender-verification <policy>', 'flag: log it and show it as unverified (default); require: do not log it (sender_unverified)')
          .choices(POLICIES as string[])
          .makeOptionMandatory(),
      ),
  ).action(
    rt.action(async (ctx) => {
      const { setAccountSenderVerification } = await import('../ops/sender-verification');
      const row = await setAccountSenderVerification(await ctx.scope(), String(ctx.opts.senderVerification));
      ctx.print(row, () => `Account ${row.name} (${row.id}): ${POLICY_SENTENCES[row.senderVerification]} (${row.senderVerification}); workers apply it from each inbox's next session.`);
    }),
  );

  const user = program.command('user').description('users of an account (the people who connect inboxes)');
  withAccount(
    user
      .command('add')
      .description('add a user')
      .requiredOption('--email <email>', 'their email address')
      .option('--name <name>', 'their name'),
  ).action(
    rt.action(async (ctx) => {
      const { addUser } = await import('@reply-sync/operations/accounts');
      const row = await addUser(await ctx.scope(), { email: String(ctx.opts.email), name: ctx.opts.name as string | undefined });
      ctx.print(row, () => `Added user ${row.name ? `${row.name} <${row.email}>` : row.email} (${row.id}).`);
    }),
  );
}
