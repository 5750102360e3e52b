// The CommandContext of an action: env read once (zod), the database opened on first use, the account
// resolved from --account or REPLY_SYNC_ACCOUNT. Loaded by CliRuntime.action, so --help and usage
// errors never load the env parser or the database client.
import { createDb, getAccount, scoped, type DbHandle, type Scoped } from '@reply-sync/db';
import type { Command } from 'commander';
import { CliError } from './cli-error';
import { loadCliEnv, type CliEnv } from './env';
import type { CliRuntime, CommandContext } from './runtime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account a command acts in; a missing or unknown id stops with a sentence saying what to pass. */
export async function resolveAccount(db: DbHandle, accountId: string | undefined): Promise<Scoped> {
  if (!accountId) {
    throw new CliError('account_missing', 'No account given. Pass --account ID or set REPLY_SYNC_ACCOUNT (create one with `reply-sync account create NAME`).');
  }
  if (!UUID.test(accountId) || !(await getAccount(db.db, accountId))) {
    throw new CliError('account_not_found', `There is no account ${accountId}. Check --account / REPLY_SYNC_ACCOUNT, or create one with \`reply-sync account create NAME\`.`);
  }
  return scoped(db.db, accountId);
}

export function createCommandContext(rt: CliRuntime, command: Command): CommandContext {
  const opts = command.optsWithGlobals<Record<string, unknown>>();
  const json = opts.json === true;
  const env = (): CliEnv => (rt.opened.env ??= loadCliEnv(rt.io.env, { stack: opts.stack === true }));
  const db = (): DbHandle => (rt.opened.db ??= createDb(env().databaseUrl(), { max: 2 }));
  return {
    io: rt.io,
    json,
    opts,
    args: command.processedArgs,
    env,
    db,
    scope: () => resolveAccount(db(), typeof opts.account === 'string' ? opts.account : env().accountId()),
    print: (data, human) => {
      rt.io.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
  };
}
