// Options several command groups share.
import { Option, type Command } from 'commander';

export function withAccount(command: Command): Command {
  return command.option('--account <id>', 'account id (default: $REPLY_SYNC_ACCOUNT)');
}

export function withPassword(command: Command): Command {
  return command
    .option('--password-stdin', 'read the password from stdin')
    .option('--password-env <name>', 'read the password from this environment variable')
    .addOption(new Option('--password <value>').hideHelp());
}
