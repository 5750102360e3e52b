// `reply-sync scheduler` and `reply-sync worker` hand the environment to the apps' own parsers, which
// have no default for DATABASE_URL and REDIS_URL: without them (and without --stack) they stop with a
// sentence naming what to set; with --stack the local stack's values fill what is unset.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stack, uniqueName, waitFor } from '@reply-sync/testkit';
import { cli, cliEnv } from './helpers';

const BIN = fileURLToPath(new URL('../bin/reply-sync.mjs', import.meta.url));

describe('scheduler and worker without their servers', () => {
  it('worker: exits 1 naming REDIS_URL and how the local stack fills it', async () => {
    const run = await cli(['worker', '--json'], { env: cliEnv() });
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stderr) as { error: { code: string; message: string } };
    expect(error.code).toBe('worker_env_invalid');
    expect(error.message).toMatch(/REDIS_URL: not set; set it to the Redis URL.*`reply-sync --stack worker` fills it/);
    expect(error.message).not.toMatch(/DATABASE_URL/);
  });

  it('scheduler: exits 1 naming both', async () => {
    const run = await cli(['scheduler'], { env: {} });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DATABASE_URL: not set; set it to the PostgreSQL URL/);
    expect(run.stderr).toMatch(/REDIS_URL: not set/);
  });

  it('`reply-sync --stack worker` fills REDIS_URL from the stack, starts without a warning and stops on SIGTERM', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [BIN, '--stack', 'worker'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        STACK_DIR: stack.stackDir,
        DATABASE_URL: stack.databaseUrl,
        REPLY_SYNC_QUEUE: uniqueName('cli-stack-worker'),
        REPLY_SYNC_SEND_QUEUE: uniqueName('cli-stack-sends'),
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      // Up to 60 s: a process started through tsx while every package's tests start at once can take over
      // 20 s to load on CI's 2 cores (the scheduler's start once did); the stop is what is tested.
      await waitFor(() => stdout.includes('sync worker started'), { what: 'the worker started', timeoutMs: 60_000 });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('"httpPort":null');
      expect(stderr).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('a command pointed at a remote database or Redis without a password is refused before it connects', async () => {
    const list = await cli(['inbox', 'list', '--json', '--account', '00000000-0000-4000-8000-000000000000'], {
      env: cliEnv({ DATABASE_URL: 'postgres://reply_sync@db.internal.example:5432/reply_sync' }),
    });
    expect(list.code).toBe(1);
    const { error } = JSON.parse(list.stderr) as { error: { code: string; message: string } };
    expect(error.code).toBe('server_url_refused');
    expect(error.message).toMatch(/DATABASE_URL points at db\.internal\.example, which is not this machine, without a password/);

    const worker = await cli(['worker'], { env: cliEnv({ REDIS_URL: 'redis://redis.internal.example:6379' }) });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/REDIS_URL points at redis\.internal\.example, which is not this machine, without a password/);
  });
});
