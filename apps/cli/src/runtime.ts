// What every command's action gets (CommandContext): the parsed flags, lazy access to env and database,
// the account scope, and one print() that writes JSON under --json and human text otherwise. This file
// is loaded for every command line, --help included, so it imports types only: the context itself
// (env parsing, the database client) is built by command-context.ts, loaded when an action runs.
import type { DbHandle, Scoped } from '@reply-sync/db';
import type { Command } from 'commander';
import type { CliEnv, EnvSource } from './env';

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

export class CliRuntime {
  /** What command contexts opened (one command line runs one action), released by close(). */
  readonly opened: { env?: CliEnv; db?: DbHandle } = {};

  constructor(readonly io: CliIo) {}

  /** Wraps a command's action so it gets a CommandContext. */
  action(fn: (ctx: CommandContext) => Promise<void>): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const { createCommandContext } = await import('./command-context');
      await fn(createCommandContext(this, command));
    };
  }

  async close(): Promise<void> {
    const handle = this.opened.db;
    this.opened.db = undefined;
    await handle?.close();
  }
}
