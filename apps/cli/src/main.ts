// Runs one command line: the program (every command with its options and help, and nothing else) parses
// it, and the command's action imports what it needs. See src/bin.ts for the process entry.
import { CommanderError } from 'commander';
import { CliError } from './cli-error';
import { createProgram } from './program';
import { CliRuntime, type CliIo } from './runtime';

/** Runs one command line (argv without `node` and the script) and returns the exit code. */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const rt = new CliRuntime({
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
  });
  const program = createProgram(rt);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (usage errors) or the help text.
    if (error instanceof CommanderError) return error.exitCode;
    const e = error instanceof CliError ? error : (await import('./to-cli-error')).toCliError(error);
    const json = argv.includes('--json');
    rt.io.stderr.write(
      json
        ? `${JSON.stringify({ error: { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) } })}\n`
        : `error: ${e.message}${e.detail ? `\n  detail: ${e.detail}` : ''}${e.code === 'unexpected' && error instanceof Error && error.stack ? `\n${error.stack}` : ''}\n`,
    );
    return 1;
  } finally {
    await rt.close();
  }
}
