// The OAuth authorization code comes from stdin (pasted after signing in) or a named environment
// variable (--code-env), never from an argument: a live code in shell history or `ps` can be redeemed
// by anyone who sees it first.
import { CliError } from './cli-error';
import type { CliIo } from './runtime';

export interface CodeOptions {
  codeEnv?: string;
  /** A hidden option that exists only to refuse, with a sentence. */
  code?: string;
}

/** One line: the user pastes and presses Enter, without having to close stdin. */
async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const end = text.indexOf('\n');
    if (end >= 0) return text.slice(0, end);
  }
  return text;
}

/** Refuses a code given as an argument before anything else happens. */
export function checkCodeOptions(options: CodeOptions): void {
  if (options.code !== undefined) {
    throw new CliError('code_argument_refused', 'Authorization codes are never taken as arguments (they would land in shell history and `ps`); paste it when asked, or name a variable with --code-env NAME.');
  }
}

export async function readCode(options: CodeOptions, io: CliIo): Promise<string> {
  checkCodeOptions(options);
  if (options.codeEnv) {
    const value = io.env[options.codeEnv];
    if (!value) throw new CliError('code_env_empty', `The environment variable ${options.codeEnv} (from --code-env) is not set or empty.`);
    return value;
  }
  return (await readFirstLine(io.stdin)).replace(/\r$/, '');
}
