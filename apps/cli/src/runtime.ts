// What every command's action gets: the parsed flags, lazy access to env and database, the account
// scope, and one print() that writes JSON under --json and human text otherwise.
import { createDb, getAccount, scoped, type DbHandle, type Scoped } from '@reply-sync/db';
import type { Command } from 'commander';
import { CliError } from './cli-error';
import { loadCliEnv, type CliEnv, type EnvSource } from './env';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: NodeJS.ReadableStream;
  env: EnvSource;
}

export interface CommandContext {
  readonly io: CliIo;
  readonly json: boolean;
  /** The command's own options merged with the global ones (--json, --stack). */
  readonly opts: Record<string, unknown>;
  /** Positional arguments, after commander's processing. */
  readonly args: unknown[];
  env(): CliEnv;
  db(): DbHandle;
  /** scoped(db, account) for --account or REPLY_SYNC_ACCOUNT, after checking the account exists. */
  scope(): Promise<Scoped>;
  print(data: unknown, human: () => string): void;
}

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

export class CliRuntime {
  private env: CliEnv | undefined;
  private dbHandle: DbHandle | undefined;

  constructor(readonly io: CliIo) {}

  context(command: Command): CommandContext {
    const opts = command.optsWithGlobals<Record<string, unknown>>();
    const json = opts.json === true;
    const env = (): CliEnv => (this.env ??= loadCliEnv(this.io.env, { stack: opts.stack === true }));
    const db = (): DbHandle => (this.dbHandle ??= createDb(env().databaseUrl(), { max: 2 }));
    return {
      io: this.io,
      json,
      opts,
      args: command.processedArgs,
      env,
      db,
      scope: () => resolveAccount(db(), typeof opts.account === 'string' ? opts.account : env().accountId()),
      print: (data, human) => {
        this.io.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
      },
    };
  }

  /** Wraps a command's action so it gets a CommandContext. */
  action(fn: (ctx: CommandContext) => Promise<void>): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      await fn(this.context(command));
    };
  }

  async close(): Promise<void> {
    const handle = this.dbHandle;
    this.dbHandle = undefined;
    await handle?.close();
  }
}
