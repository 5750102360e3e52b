// `api-key create|list|revoke`: the keys the HTTP API (apps/api) accepts, per account.
import { API_KEY_SCOPES, API_KEY_SCOPE_SENTENCES } from '@reply-sync/db/api-key-scopes';
import type { Command } from 'commander';
import { formatDate } from '../format';
import type { CliRuntime } from '../runtime';
import { withAccount } from './options';

const SCOPES_HELP = API_KEY_SCOPES.map((s) => `${s}: ${API_KEY_SCOPE_SENTENCES[s]}`).join('; ');

export function registerApiKeyCommands(program: Command, rt: CliRuntime): void {
  const apiKey = program.command('api-key').description('keys for the HTTP API (`reply-sync api`), per account');
  withAccount(
    apiKey
      .command('create')
      .description('create a key; prints it once (only its hash is stored)')
      .requiredOption('--scopes <list>', `comma-separated, e.g. read,write or support (${SCOPES_HELP})`)
      .option('--name <name>', 'what the key is for, shown by `api-key list`'),
  ).action(
    rt.action(async (ctx) => {
      const { createApiKey } = await import('../ops/api-keys');
      const created = await createApiKey(await ctx.scope(), { scopes: String(ctx.opts.scopes), name: ctx.opts.name as string | undefined });
      ctx.print(created, () =>
        [
          created.key,
          `API key ${created.apiKey.prefix} (${created.apiKey.scopes.join(', ')}) created. Copy it now: it is not shown again.`,
          'Send it as `Authorization: Bearer <key>`.',
        ].join('\n'),
      );
    }),
  );
  withAccount(apiKey.command('list').description("list the account's keys (prefix, scopes, last used; never the secret)")).action(
    rt.action(async (ctx) => {
      const rows = await (await ctx.scope()).apiKeys.list();
      ctx.print(rows, () =>
        rows.length === 0
          ? 'No API keys (create one with `reply-sync api-key create --scopes read`).'
          : rows
              .map((k) => `${k.prefix}  ${k.scopes.join(',').padEnd(18)} ${k.revokedAt ? `revoked ${formatDate(k.revokedAt)}` : 'active'}  last used ${formatDate(k.lastUsedAt)}${k.name ? `  ${k.name}` : ''}`)
              .join('\n'),
      );
    }),
  );
  withAccount(apiKey.command('revoke').description('revoke a key (by its prefix or id); the API refuses it within 5 s').argument('<prefix-or-id>')).action(
    rt.action(async (ctx) => {
      const row = await (await ctx.scope()).apiKeys.revoke(String(ctx.args[0]));
      ctx.print(row, () => `API key ${row.prefix} revoked at ${formatDate(row.revokedAt)}; requests with it get 401 within 5 s (API_KEY_TRUSTED_MS: how long an API process trusts a key it has verified).`);
    }),
  );
}
