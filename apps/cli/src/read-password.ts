// Passwords come from stdin (--password-stdin) or a named environment variable (--password-env),
// never from an argument: arguments end up in shell history and in `ps` for every local user.
import { CliError } from './cli-error';
import type { CliIo } from './runtime';

export interface PasswordOptions {
  passwordStdin?: boolean;
  passwordEnv?: string;
  /** A hidden option that exists only to refuse, with a sentence. */
  password?: string;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function readPassword(options: PasswordOptions, io: CliIo): Promise<string> {
  if (options.password !== undefined) {
    throw new CliError('password_argument_refused', 'Passwords are never taken as arguments (they would land in shell history and `ps`); pipe it with --password-stdin or name a variable with --password-env NAME.');
  }
  if (options.passwordStdin && options.passwordEnv) {
    throw new CliError('password_source_ambiguous', 'Give the password one way: --password-stdin or --password-env NAME, not both.');
  }
  if (options.passwordEnv) {
    const value = io.env[options.passwordEnv];
    if (!value) throw new CliError('password_env_empty', `The environment variable ${options.passwordEnv} (from --password-env) is not set or empty.`);
    return value;
  }
  if (options.passwordStdin) {
    // One trailing line break is what `echo` or a here-string adds; it is not part of the password.
    const value = (await readAll(io.stdin)).replace(/\r?\n$/, '');
    if (!value) throw new CliError('password_stdin_empty', 'Nothing was read from stdin for --password-stdin; pipe the password in, e.g. `printf %s "$PW" | reply-sync inbox connect ... --password-stdin`.');
    return value;
  }
  throw new CliError('password_missing', 'Give the inbox password with --password-stdin (piped in) or --password-env NAME; it is never accepted as an argument.');
}
