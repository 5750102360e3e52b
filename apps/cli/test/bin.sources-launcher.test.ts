// `npm run cli` (bin/reply-sync-ts.mjs) runs the CLI from its TypeScript sources through tsx, with no build.
// The compiled bin is compiled-cli.smoke.test.ts's.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stack, uniqueName } from '@reply-sync/testkit';

const BIN = fileURLToPath(new URL('../bin/reply-sync-ts.mjs', import.meta.url));
const run = promisify(execFile);
// Only what a shell would pass on: PATH and HOME, plus the variables each case sets.
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };

async function spawnCli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...baseEnv, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the reply-sync launcher for the sources (npm run cli)', () => {
  it('prints the help', async () => {
    const r = await spawnCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: reply-sync');
    for (const command of ['migrate', 'account', 'inbox', 'email', 'timeline', 'explain', 'scheduler', 'worker', 'demo']) {
      expect(r.stdout).toContain(`  ${command}`);
    }
  });

  it('runs a --json command against the database, and fails with a sentence without one', async () => {
    const name = uniqueName('bin-test');
    const r = await spawnCli(['account', 'create', name, '--json'], { DATABASE_URL: stack.databaseUrl });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name });

    const missing = await spawnCli(['account', 'create', name]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('DATABASE_URL is not set.');
  });
});
