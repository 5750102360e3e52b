// `console-user create|list`: the people who sign in to the support console (`reply-sync api` serves it
// under /console), per account. The password is read like an inbox password: stdin or a named variable.
import { CONSOLE_LANGUAGES, CONSOLE_ROLES, type ConsoleLanguage, type ConsoleRole } from '@reply-sync/db/console-roles';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { formatDate } from '../format';
import { readPassword } from '../read-password';
import type { CliRuntime } from '../runtime';
import { withAccount, withPassword } from './options';

export function registerConsoleUserCommands(program: Command, rt: CliRuntime): void {
  const group = program.command('console-user').description('people who sign in to the support console (/console of `reply-sync api`)');
  withPassword(
    withAccount(
      group
        .command('create')
        .description('create a console user (the password is stored as an scrypt hash)')
        .requiredOption('--email <email>', 'what they sign in with (unique across accounts)')
        .requiredOption('--role <role>', `${CONSOLE_ROLES.join(' | ')}: support reads statuses, decisions and explain, never bodies; admin also connects inboxes and reads timelines`)
        .option('--language <lang>', `${CONSOLE_LANGUAGES.join(' | ')} (default: the browser's Accept-Language)`),
    ),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const role = String(o.role) as ConsoleRole;
      if (!CONSOLE_ROLES.includes(role)) throw new CliError('invalid_role', `--role ${String(o.role)} is not a console role; give ${CONSOLE_ROLES.join(' or ')}.`);
      const language = o.language === undefined ? null : (String(o.language) as ConsoleLanguage);
      if (language && !CONSOLE_LANGUAGES.includes(language)) throw new CliError('invalid_language', `--language ${language} is not one of ${CONSOLE_LANGUAGES.join(', ')}.`);
      const password = await readPassword(o, ctx.io);
      const user = await (await ctx.scope()).consoleUsers.create({ email: String(o.email), password, role, language });
      ctx.print(user, () => `Console user ${user.email} (${user.role}) created; they sign in at /console of \`reply-sync api\`.`);
    }),
  );
  withAccount(group.command('list').description("list the account's console users")).action(
    rt.action(async (ctx) => {
      const rows = await (await ctx.scope()).consoleUsers.list();
      ctx.print(rows, () => (rows.length === 0 ? 'No console users (create one with `reply-sync console-user create`).' : rows.map((u) => `${u.email}  ${u.role.padEnd(8)} ${u.language ?? 'browser'}  created ${formatDate(u.createdAt)}`).join('\n')));
    }),
  );
}
