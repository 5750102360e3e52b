// The machine a run happened on, for results.json and the README's Performance section.
import { execFile } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { stack } from '@reply-sync/testkit';

const run = promisify(execFile);

export async function describeMachine(databaseUrl: string): Promise<Record<string, unknown>> {
  const safe = async <T>(fn: () => Promise<T>): Promise<T | string> => {
    try {
      return await fn();
    } catch (error) {
      return `unknown (${error instanceof Error ? error.message : String(error)})`;
    }
  };
  const dovecot = await safe(async () => (await run('dovecot', ['--version'])).stdout.trim());
  const postgresVersion = await safe(async () => {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
      return row!.v;
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
  const redisVersion = await safe(async () => {
    const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const info = await redis.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } finally {
      redis.disconnect();
    }
  });
  const loadavg = await safe(async () => (await import('node:os')).loadavg().map((v) => Math.round(v * 100) / 100));
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    dovecot,
    postgresql: postgresVersion,
    redis: redisVersion,
    loadAverageAtStart: loadavg,
    date: new Date().toISOString(),
  };
}
